import Foundation
import Hummingbird
import HeraldCore
import HeraldDispatcher
import HeraldStore

/// `GET /api/v1/messaging/status`: queue depth, rates and the last cycle.
struct MessagingController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.get("messaging/status", use: status)
    }

    @Sendable func status(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let counts = try await dependencies.store.countByStatus(tenant: tenant)
        let dispatcher = dependencies.dispatcher.status
        var queue: [String: JSONValue] = [:]
        for status in MessageStatus.allCases { queue[status.rawValue] = .number(Double(counts[status, default: 0])) }
        return JSONResponse.make(status: .ok, json: .object([
            "queue": .object(queue),
            "pending": .number(Double(counts[.queued, default: 0] + counts[.scheduled, default: 0])),
            "scheduler": .string(dispatcher.paused ? "stopped" : "running"),
            "in_flight": .number(Double(dispatcher.inFlight)),
            "concurrency": .number(Double(dispatcher.concurrency)),
            "rate_last_minute": .object([
                "sent": .number(Double(dispatcher.sentLastMinute)),
                "retried": .number(Double(dispatcher.retriedLastMinute)),
                "failed": .number(Double(dispatcher.failedLastMinute)),
            ]),
            "last_cycle": dispatcher.lastCycle.map(Self.json) ?? .null,
        ]))
    }

    static func json(_ cycle: DispatchCycle) -> JSONValue {
        .object([
            "claimed": .number(Double(cycle.claimed)),
            "sent": .number(Double(cycle.sent)),
            "retried": .number(Double(cycle.retried)),
            "failed": .number(Double(cycle.failed)),
            "started_at": .timestamp(cycle.startedAt),
            "finished_at": .timestamp(cycle.finishedAt),
            "duration_ms": .number((cycle.finishedAt.timeIntervalSince(cycle.startedAt) * 1000).rounded()),
        ])
    }
}
