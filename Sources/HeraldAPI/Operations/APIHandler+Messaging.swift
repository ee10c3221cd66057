import Foundation
import HeraldCore
import HeraldDispatcher
import HeraldStore

/// `/api/v1/messaging/…`: run a dispatch cycle now and answer what it did; queue depth per
/// status, rates over the last minute and the last cycle. A tenant's key sees and claims its
/// own messages; the admin key every tenant's.
extension APIHandler {
    func messagingStatus(_ input: Operations.MessagingStatus.Input) async throws -> Operations.MessagingStatus.Output {
        let tenant = try Caller.tenantOrAdmin()
        let scope = tenant.map(PauseScope.tenant) ?? .server
        let counts = try await dependencies.store.countByStatus(tenant: tenant, kind: MessageKind(input.query.kind))
        let pauses = try await dependencies.dispatcher.pauses.current()
        let dispatcher = dependencies.dispatcher.status
        var queue: [String: Int] = [:]
        for status in MessageStatus.allCases { queue[status.rawValue] = counts[status, default: 0] }
        return .ok(.init(body: .json(.init(
            queue: .init(additionalProperties: queue),
            pending: counts[.queued, default: 0] + counts[.scheduled, default: 0],
            scheduler: pauses.stops(scope) ? .stopped : .running,
            serverPaused: pauses.server,
            tenantPaused: pauses.tenantPause(scope),
            inFlight: dispatcher.inFlight,
            concurrency: dispatcher.concurrency,
            rateLastMinute: .init(
                sent: dispatcher.sentLastMinute, retried: dispatcher.retriedLastMinute, failed: dispatcher.failedLastMinute
            ),
            lastCycle: .init(dispatcher.lastCycle.map(Components.Schemas.DispatchCycle.init))
        ))))
    }

    func processMessages(_ input: Operations.ProcessMessages.Input) async throws -> Operations.ProcessMessages.Output {
        let cycle = try await dependencies.dispatcher.runCycle(tenant: try Caller.tenantOrAdmin())
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
