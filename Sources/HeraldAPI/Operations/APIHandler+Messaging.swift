import Foundation
import HeraldDispatcher

/// `POST /api/v1/messaging/process`: run a dispatch cycle now and answer what it did.
extension APIHandler {
    func processMessages(_ input: Operations.ProcessMessages.Input) async throws -> Operations.ProcessMessages.Output {
        _ = try Caller.requireTenant()
        let cycle = try await dependencies.dispatcher.runCycle()
        return .ok(.init(body: .json(.init(cycle))))
    }
}

extension Components.Schemas.DispatchCycle {
    init(_ cycle: DispatchCycle) {
        self.init(
            claimed: cycle.claimed, sent: cycle.sent, retried: cycle.retried, failed: cycle.failed,
            startedAt: cycle.startedAt, finishedAt: cycle.finishedAt,
            durationMs: Int((cycle.finishedAt.timeIntervalSince(cycle.startedAt) * 1000).rounded())
        )
    }
}
