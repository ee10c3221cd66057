/// How `herald sink` answers: for demos, tests and benchmarks of retries and failures.
public struct SinkBehaviour: Sendable, Hashable {
    /// The status of a normal answer.
    public var status: Int
    /// The share of requests (0…1) answered with ``failureStatus`` instead.
    public var failureRate: Double
    public var failureStatus: Int
    /// Sent as `Retry-After` on failure answers (and on every answer when ``status`` is not 2xx).
    public var retryAfter: String?
    /// How long to wait before answering.
    public var delay: Duration
    /// The first this many requests of each `webhook-id` are answered with ``failureStatus``
    /// (then ``status``): exactly that many retries for every message, for fault tests.
    public var failFirst: Int

    public init(
        status: Int = 200, failureRate: Double = 0, failureStatus: Int = 503, retryAfter: String? = nil, delay: Duration = .zero,
        failFirst: Int = 0
    ) {
        self.failFirst = failFirst
        self.status = status
        self.failureRate = failureRate
        self.failureStatus = failureStatus
        self.retryAfter = retryAfter
        self.delay = delay
    }
}
