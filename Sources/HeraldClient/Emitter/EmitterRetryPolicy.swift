/// How often and how long ``BatchEmitter`` tries a batch again after a network error, a 5xx or
/// a 429: the delay before retry `n` (0-based) is a random duration between zero and
/// `min(initialDelay · 2ⁿ, maxDelay)` ("full jitter"), and at least what `Retry-After` asked.
/// Answers that cannot succeed later (400, 401, 403, 404, 410, 422) are never retried.
public struct EmitterRetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt; `nil` for no limit.
    public var maxRetries: Int?
    public var initialDelay: Duration
    public var maxDelay: Duration

    public init(maxRetries: Int?, initialDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(60)) {
        self.maxRetries = maxRetries.map { max(0, $0) }
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// Up to `count` retries (the default is 10).
    public static func maxRetries(_ count: Int) -> Self { Self(maxRetries: count) }
    /// Retries until the batch goes through or the emitter is closed.
    public static let retryForever = Self(maxRetries: nil)
    /// One attempt only.
    public static let noRetry = Self(maxRetries: 0)

    /// The same policy with other delays.
    public func backoff(initial: Duration, max: Duration) -> Self {
        Self(maxRetries: maxRetries, initialDelay: initial, maxDelay: max)
    }

    /// Whether retry number `retry` (1 for the first) is allowed.
    public func allows(retry: Int) -> Bool {
        maxRetries.map { retry <= $0 } ?? true
    }

    /// The wait before retry `retry` (1 for the first), given a random fraction in 0...1.
    public func delay(beforeRetry retry: Int, fraction: Double, retryAfter: Duration? = nil) -> Duration {
        let exponent = min(max(0, retry - 1), 30)
        let ceiling = min(initialDelay * (1 << exponent), maxDelay)
        let jittered = ceiling * min(1, max(0, fraction))
        guard let retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }
}
