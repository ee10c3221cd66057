public import Foundation
public import HeraldCore
public import HeraldStore

/// Turns a channel's outcome into what the store records, applying the channel's retry policy.
public enum RetryDecision {
    /// - Parameters:
    ///   - outcome: what the channel reported.
    ///   - attempt: the number of the attempt that produced it (1 for the first).
    ///   - throttles: the rate-limit answers in a row before this one.
    ///   - policy: the channel's retry policy.
    ///   - now: the time the attempt ended.
    public static func resolve<R: RandomNumberGenerator>(
        _ outcome: DeliveryOutcome,
        attempt: Int,
        throttles: Int = 0,
        policy: RetryPolicy,
        now: Date,
        using random: inout R
    ) -> Completion.Resolution {
        switch outcome {
        case .sent(let providerMessageID):
            return .sent(providerMessageID: providerMessageID)
        case .failed(let reason):
            return .failed(error: reason)
        case .retry(let reason, let after, let throttled):
            guard let delay = policy.delay(afterAttempt: attempt, retryAfter: after, throttled: throttled, using: &random) else {
                return .failed(error: "gave up after \(attempt) attempt\(attempt == 1 ? "" : "s"): \(reason)")
            }
            return .retry(at: now.adding(delay), error: reason)
        case .throttled(let reason, let after, _):
            guard let delay = policy.throttledDelay(afterThrottles: throttles + 1, retryAfter: after) else {
                return .failed(error: "throttled for longer than \(DurationText.format(policy.maxThrottledWait)) in all: \(reason)")
            }
            return .throttled(at: now.adding(delay), error: reason)
        }
    }

    /// ``resolve(_:attempt:throttles:policy:now:using:)`` with the system's random numbers.
    public static func resolve(_ outcome: DeliveryOutcome, attempt: Int, throttles: Int = 0, policy: RetryPolicy, now: Date) -> Completion.Resolution {
        var random = SystemRandomNumberGenerator()
        return resolve(outcome, attempt: attempt, throttles: throttles, policy: policy, now: now, using: &random)
    }
}
