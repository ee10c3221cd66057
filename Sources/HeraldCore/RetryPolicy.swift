/// When to try a failed attempt again, and when to stop: exponential backoff with jitter and a
/// cap, or an explicit schedule of delays.
///
/// Attempt 1 happens at once; the delay before attempt `n + 1` is `delay(afterAttempt: n)`.
public struct RetryPolicy: Sendable, Hashable {
    /// How the base delays are worked out.
    public enum Schedule: Sendable, Hashable {
        /// `initial × multiplier^(n-1)`, capped at `maximum`.
        case exponential(initial: Duration, multiplier: Double, maximum: Duration)
        /// The n-th retry waits `delays[n-1]`.
        case explicit([Duration])
    }

    public var schedule: Schedule
    /// Attempts in all, the first included. For an explicit schedule this is `delays.count + 1`.
    public var maxAttempts: Int
    /// Each delay is spread uniformly within ±`jitter` of its base (0.2 = ±20 %).
    public var jitter: Double
    /// The longest wait a provider's `Retry-After` can impose.
    public var maxRetryAfter: Duration
    /// The shortest wait after a throttled attempt (429, 408, a timeout) without `Retry-After`:
    /// an endpoint that is struggling gets room to recover.
    public var minimumThrottledDelay: Duration
    /// The first wait after a provider's rate-limit answer (``DeliveryOutcome/throttled(reason:after:)``);
    /// each further one doubles it up to ``throttleMaximumDelay``.
    public var throttleInitialDelay: Duration = .seconds(5)
    /// The longest wait between two throttled attempts.
    public var throttleMaximumDelay: Duration = .seconds(60)
    /// The most a message waits in all for a provider's rate limit before it fails.
    public var maxThrottledWait: Duration = .seconds(3600)

    /// Exponential backoff.
    /// - Throws: ``HeraldError`` when a value is out of range.
    public static func exponential(
        initial: Duration,
        multiplier: Double = 2,
        maximum: Duration,
        maxAttempts: Int,
        jitter: Double = 0.2,
        maxRetryAfter: Duration = .seconds(3600),
        minimumThrottledDelay: Duration = .zero
    ) throws(HeraldError) -> RetryPolicy {
        guard initial >= .zero, maximum >= initial else {
            throw .invalidConfiguration("retry: the maximum delay must be at least the initial delay")
        }
        guard multiplier >= 1 else { throw .invalidConfiguration("retry: the multiplier must be at least 1") }
        return try RetryPolicy(
            schedule: .exponential(initial: initial, multiplier: multiplier, maximum: maximum),
            maxAttempts: maxAttempts, jitter: jitter, maxRetryAfter: maxRetryAfter, minimumThrottledDelay: minimumThrottledDelay
        )
    }

    /// An explicit schedule; its length sets the number of retries.
    /// - Throws: ``HeraldError`` when a value is out of range.
    public static func explicit(
        _ delays: [Duration],
        jitter: Double = 0.2,
        maxRetryAfter: Duration = .seconds(3600),
        minimumThrottledDelay: Duration = .zero
    ) throws(HeraldError) -> RetryPolicy {
        guard delays.allSatisfy({ $0 >= .zero }) else {
            throw .invalidConfiguration("retry: schedule delays cannot be negative")
        }
        return try RetryPolicy(
            schedule: .explicit(delays), maxAttempts: delays.count + 1, jitter: jitter, maxRetryAfter: maxRetryAfter,
            minimumThrottledDelay: minimumThrottledDelay
        )
    }

    private init(
        schedule: Schedule,
        maxAttempts: Int,
        jitter: Double,
        maxRetryAfter: Duration,
        minimumThrottledDelay: Duration
    ) throws(HeraldError) {
        guard minimumThrottledDelay >= .zero else { throw .invalidConfiguration("retry: the throttled minimum cannot be negative") }
        self.minimumThrottledDelay = minimumThrottledDelay
        guard maxAttempts >= 1 else { throw .invalidConfiguration("retry: at least one attempt is needed") }
        guard (0...1).contains(jitter) else { throw .invalidConfiguration("retry: jitter must be between 0 and 1") }
        guard maxRetryAfter >= .zero else { throw .invalidConfiguration("retry: max Retry-After cannot be negative") }
        self.schedule = schedule
        self.maxAttempts = maxAttempts
        self.jitter = jitter
        self.maxRetryAfter = maxRetryAfter
    }

    /// What webhook receivers already expect (the Standard Webhooks / Svix schedule): at once,
    /// then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, each ±20 %; a 429 or a timeout waits at
    /// least a minute.
    public static let webhookDefault = try! RetryPolicy.explicit(
        [.seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18000), .seconds(36000), .seconds(36000)],
        minimumThrottledDelay: .seconds(60)
    )

    /// What chat users expect: 1 s, doubling, capped at 30 s, 4 attempts in all.
    public static let chatDefault = try! RetryPolicy.exponential(
        initial: .seconds(1), multiplier: 2, maximum: .seconds(30), maxAttempts: 4
    )

    /// The wait before the next attempt, or `nil` when `attempt` was the last one allowed.
    /// - Parameters:
    ///   - attempt: the number of the attempt that just failed (1 for the first).
    ///   - retryAfter: the provider's requested wait; it wins over the schedule, bounded by
    ///     ``maxRetryAfter``.
    ///   - throttled: the attempt was throttled or timed out: wait at least ``minimumThrottledDelay``.
    ///   - random: the source of jitter, injectable for tests.
    public func delay<R: RandomNumberGenerator>(
        afterAttempt attempt: Int,
        retryAfter: Duration? = nil,
        throttled: Bool = false,
        using random: inout R
    ) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        if let retryAfter {
            return min(max(retryAfter, .zero), maxRetryAfter)
        }
        let base = baseDelay(afterAttempt: attempt)
        var delay = base
        if jitter > 0, base > .zero {
            delay = base * Double.random(in: (1 - jitter)...(1 + jitter), using: &random)
        }
        return throttled ? max(delay, minimumThrottledDelay) : delay
    }

    /// ``delay(afterAttempt:retryAfter:throttled:using:)`` with the system's random numbers.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil, throttled: Bool = false) -> Duration? {
        var random = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, retryAfter: retryAfter, throttled: throttled, using: &random)
    }

    /// The wait after the `throttles`-th rate-limit answer in a row (1 for the first), or `nil`
    /// when waiting again would take the message past ``maxThrottledWait`` in all.
    /// - Parameter retryAfter: the provider's requested wait; it wins, bounded by ``maxRetryAfter``.
    public func throttledDelay(afterThrottles throttles: Int, retryAfter: Duration? = nil) -> Duration? {
        var waited = Duration.zero
        for step in 1..<max(throttles, 1) { waited += throttleStep(step) }
        let next = retryAfter.map { min(max($0, .zero), maxRetryAfter) } ?? throttleStep(throttles)
        return waited + next <= maxThrottledWait ? next : nil
    }

    private func throttleStep(_ n: Int) -> Duration {
        let seconds = throttleInitialDelay.seconds * pow(2, Double(max(n - 1, 0)))
        return seconds >= throttleMaximumDelay.seconds ? throttleMaximumDelay : .seconds(seconds)
    }

    /// The delay before jitter.
    public func baseDelay(afterAttempt attempt: Int) -> Duration {
        switch schedule {
        case .explicit(let delays):
            return delays[min(max(attempt - 1, 0), delays.count - 1)]
        case .exponential(let initial, let multiplier, let maximum):
            let exponent = Double(max(attempt - 1, 0))
            let seconds = initial.seconds * pow(multiplier, exponent)
            return seconds >= maximum.seconds ? maximum : .seconds(seconds)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

import Foundation
