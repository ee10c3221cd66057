/// The tenant's queue and the dispatcher, as `GET /api/v1/messaging/status` reports them.
public struct QueueStatus: Sendable, Hashable, Codable {
    /// Messages in each status (`queued`, `sent`, …).
    public var counts: [String: Int]
    /// Queued and scheduled together.
    public var pending: Int
    /// Whether dispatching runs (neither the server nor, for a tenant's key, the tenant paused).
    public var running: Bool
    /// Whether the whole server's dispatching is paused (by the admin key or the configuration).
    public var serverPaused: Bool
    /// Whether the tenant paused its own dispatching; `nil` with the admin key.
    public var tenantPaused: Bool?
    /// Sends in flight now, and the most at once.
    public var inFlight: Int
    public var concurrency: Int
    /// Outcomes in the last minute.
    public var sentLastMinute: Int
    public var retriedLastMinute: Int
    public var failedLastMinute: Int
}

extension Herald {
    /// The tenant's queue per status and the dispatcher's state.
    /// - Parameter events: count the tenant's status events instead of its messages.
    public func queueStatus(events: Bool = false) async throws(HeraldClientError) -> QueueStatus {
        try await call {
            switch try await client.messagingStatus(.init(query: .init(kind: events ? .event : nil))) {
            case .ok(let answer):
                let status = try answer.body.json
                return QueueStatus(
                    counts: status.queue.additionalProperties, pending: status.pending, running: status.scheduler == .running,
                    serverPaused: status.serverPaused, tenantPaused: status.tenantPaused,
                    inFlight: status.inFlight, concurrency: status.concurrency, sentLastMinute: status.rateLastMinute.sent,
                    retriedLastMinute: status.rateLastMinute.retried, failedLastMinute: status.rateLastMinute.failed
                )
            case let other: throw Self.unexpected(other)
            }
        }
    }
}
