public import Foundation

/// RFC 3339 timestamps as the API reads and writes them (`2026-11-23T08:20:54.123Z`).
public enum Timestamp {
    /// Formats in UTC with milliseconds.
    public static func format(_ date: Date) -> String {
        date.formatted(withMilliseconds)
    }

    /// Parses RFC 3339 with or without fractional seconds; `nil` when the text is not one.
    public static func parse(_ text: String) -> Date? {
        (try? withMilliseconds.parse(text)) ?? (try? withoutMilliseconds.parse(text))
    }

    private static let withMilliseconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutMilliseconds = Date.ISO8601FormatStyle()
}
