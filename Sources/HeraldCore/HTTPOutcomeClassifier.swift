public import Foundation

/// Maps an HTTP answer or a transport failure to a ``DeliveryOutcome``.
///
/// 2xx is sent; 408, 425, 429 and 5xx retry (honouring `Retry-After`); every other status fails
/// at once with the reason kept. Transport failures (refused, reset, timed out) retry.
public enum HTTPOutcomeClassifier {
    /// Statuses below 500 that still mean "try again later".
    public static let retryableClientStatuses: Set<Int> = [408, 425, 429]

    /// Classifies an answer.
    /// - Parameters:
    ///   - status: the HTTP status code.
    ///   - retryAfter: the raw `Retry-After` header, if present.
    ///   - now: the current time, to turn an HTTP-date into a delay.
    ///   - providerMessageID: the provider's id for the message, for a 2xx.
    public static func classify(
        status: Int,
        retryAfter: String? = nil,
        now: Date,
        providerMessageID: String? = nil
    ) -> DeliveryOutcome {
        if (200..<300).contains(status) {
            return .sent(providerMessageID: providerMessageID)
        }
        if (500..<600).contains(status) || retryableClientStatuses.contains(status) {
            return .retry(
                reason: "HTTP \(status)", after: retryAfter.flatMap { RetryAfter.parse($0, now: now) },
                throttled: status == 429 || status == 408
            )
        }
        return .failed(reason: "HTTP \(status)")
    }

    /// Classifies a failure to get any answer: always worth retrying.
    public static func classify(transportFailure description: String) -> DeliveryOutcome {
        .retry(reason: description, after: nil)
    }
}
