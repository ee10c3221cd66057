import HeraldCore
import HeraldStore

/// How many messages wait to be sent (scheduled, queued or sending), counted in the database —
/// so every process on PostgreSQL sees the same — at most once per interval. Past
/// `app.max_backlog`, ingest answers 503 with `Retry-After` rather than take more than the
/// dispatchers can work off. With no limit set it costs nothing.
final class BacklogGauge: Sendable {
    let limit: Int?
    private let waiting: SharedSnapshot<Int>

    init(store: any MessageStore, limit: Int?, every interval: Duration = .seconds(1)) {
        self.limit = limit
        waiting = SharedSnapshot(ttl: interval) {
            let counts = try await store.countByStatus(tenant: nil, kind: .message)
            return MessageStatus.awaitingSend.reduce(0) { $0 + counts[$1, default: 0] }
        }
    }

    /// - Throws: ``APIError/backlogFull(waiting:limit:)`` when the backlog is at its limit.
    func admit() async throws {
        guard let limit else { return }
        let waiting = try await waiting.current()
        if waiting >= limit { throw APIError.backlogFull(waiting: waiting, limit: limit) }
    }
}
