public import Foundation

/// Parses the `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
public enum RetryAfter {
    /// The wait the header asks for; `nil` when it is malformed. A date in the past gives zero.
    public static func parse(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text), seconds >= 0 {
            return .seconds(seconds)
        }
        for formatter in formatters {
            if let date = formatter.date(from: text) {
                let delta = date.timeIntervalSince(now)
                return delta > 0 ? .milliseconds(Int64((delta * 1000).rounded(.up))) : .zero
            }
        }
        return nil
    }

    /// IMF-fixdate first, then the two obsolete forms RFC 9110 still asks receivers to accept.
    // Configured once here and never mutated afterwards; parsing is thread-safe.
    private static let formatters: [DateFormatter] = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",
        "EEEE, dd-MMM-yy HH:mm:ss zzz",
        "EEE MMM d HH:mm:ss yyyy",
    ].map { format in
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = format
        return formatter
    }
}
