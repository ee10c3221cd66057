public import Foundation
public import HeraldCore
public import HeraldStore

/// Turns a channel's outcome into what the store records, applying the channel's retry policy.
public enum RetryDecision {
    /// - Parameters:
    ///   - outcome: what the channel reported.
    ///   - attempt: the number of the attempt that produced it (1 for the first).
    ///   - policy: the channel's retry policy.
    ///   - now: the time the attempt ended.
    public static func resolve<R: RandomNumberGenerator>(
        _ outcome: DeliveryOutcome,
        attempt: Int,
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
        }
    }
}
