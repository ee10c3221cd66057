import Foundation
import HeraldCore
import HeraldDispatcher
import HeraldStore

/// `/api/v1/messaging/…`: run a dispatch cycle now and answer what it did; queue depth per
/// status, rates over the last minute and the last cycle.
extension APIHandler {
    func messagingStatus(_ input: Operations.MessagingStatus.Input) async throws -> Operations.MessagingStatus.Output {
        let tenant = try Caller.requireTenant()
        let counts = try await dependencies.store.countByStatus(tenant: tenant, kind: MessageKind(input.query.kind))
        let dispatcher = dependencies.dispatcher.status
        var queue: [String: Int] = [:]
        for status in MessageStatus.allCases { queue[status.rawValue] = counts[status, default: 0] }
        return .ok(.init(body: .json(.init(
            queue: .init(additionalProperties: queue),
            pending: counts[.queued, default: 0] + counts[.scheduled, default: 0],
            scheduler: dispatcher.paused ? .stopped : .running,
            inFlight: dispatcher.inFlight,
            concurrency: dispatcher.concurrency,
            rateLastMinute: .init(
                sent: dispatcher.sentLastMinute, retried: dispatcher.retriedLastMinute, failed: dispatcher.failedLastMinute
            ),
            lastCycle: .init(dispatcher.lastCycle.map(Components.Schemas.DispatchCycle.init))
        ))))
    }

    func processMessages(_ input: Operations.ProcessMessages.Input) async throws -> Operations.ProcessMessages.Output {
        _ = try Caller.requireTenant()
        let cycle = try await dependencies.dispatcher.runCycle()
        return .ok(.init(body: .json(.init(cycle))))
    }
}

extension MessageKind {
    /// The `kind` a list or count asks for; the clients' messages when it names none.
    init(_ parameter: Components.Parameters.Kind?) {
        self = switch parameter {
        case .event?: .event
        case .message?, nil: .message
        }
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
