import Synchronization

/// What the sink has received: requests per `webhook-id`, and signature checks.
public final class SinkLedger: Sendable {
    /// A snapshot of the counts.
    public struct Stats: Sendable, Codable, Hashable {
        /// Requests received, signed or not.
        public var received: Int
        /// Distinct `webhook-id`s answered with success.
        public var uniqueDelivered: Int
        /// Successful deliveries of an id that had already been delivered.
        public var duplicates: Int
        /// Requests whose signature did not verify.
        public var invalidSignatures: Int
        /// Requests answered with a failure on purpose.
        public var failedOnPurpose: Int

        enum CodingKeys: String, CodingKey {
            case received, duplicates
            case uniqueDelivered = "unique_delivered"
            case invalidSignatures = "invalid_signatures"
            case failedOnPurpose = "failed_on_purpose"
        }
    }

    private struct State {
        /// Requests per `webhook-id`, whatever they were answered.
        var attempts: [String: Int] = [:]
        var received = 0
        var delivered: [String: Int] = [:]
        var duplicates = 0
        var invalidSignatures = 0
        var failedOnPurpose = 0
    }

    private let state = Mutex(State())

    public init() {}

    func recordReceived() { state.withLock { $0.received += 1 } }

    /// Counts a (signed) request of `id`.
    /// - Returns: how many there were of it, this one included.
    func recordAttempt(id: String) -> Int {
        state.withLock { state in
            state.attempts[id, default: 0] += 1
            return state.attempts[id, default: 0]
        }
    }

    /// Requests per `webhook-id`, whatever they were answered.
    public var attempts: [String: Int] { state.withLock { $0.attempts } }
    func recordInvalidSignature() { state.withLock { $0.invalidSignatures += 1 } }
    func recordFailedOnPurpose() { state.withLock { $0.failedOnPurpose += 1 } }

    func recordDelivered(id: String) {
        state.withLock { state in
            let previous = state.delivered[id, default: 0]
            if previous > 0 { state.duplicates += 1 }
            state.delivered[id] = previous + 1
        }
    }

    public var stats: Stats {
        state.withLock { state in
            Stats(
                received: state.received, uniqueDelivered: state.delivered.count, duplicates: state.duplicates,
                invalidSignatures: state.invalidSignatures, failedOnPurpose: state.failedOnPurpose
            )
        }
    }

    /// Successful deliveries per `webhook-id`.
    public var deliveries: [String: Int] { state.withLock { $0.delivered } }
}
