/// Reads and writes durations as people type them in configuration: `500us`, `250ms`, `5s`,
/// `10m`, `2h`, `1d`, or plain seconds (`30`).
public enum DurationText {
    /// Parses one duration; `nil` when the text is not one.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count).trimmingCharacters(in: .whitespaces)
            // "ms" and "us" must not be read as a number + "s": the loop tries them first.
            guard let value = Double(number), value >= 0, value.isFinite, value * unit.seconds < 1e9 else { return nil }
            return .nanoseconds(Int64((value * unit.seconds * 1e9).rounded()))
        }
        guard let value = Double(trimmed), value >= 0, value.isFinite, value < 1e9 else { return nil }
        return .nanoseconds(Int64((value * 1e9).rounded()))
    }

    /// Parses a comma-separated list such as `1s,5s,30s`; `nil` when any item is not a duration.
    public static func parseList(_ text: String) -> [Duration]? {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        guard !items.isEmpty else { return nil }
        var result: [Duration] = []
        for item in items {
            guard let duration = parse(item) else { return nil }
            result.append(duration)
        }
        return result
    }

    /// Formats a duration in the largest exact unit: `500us`, `1500ms`, `5s`, `2m`, `1h`.
    public static func format(_ duration: Duration) -> String {
        let micros = Int64((duration.seconds * 1_000_000).rounded())
        if micros % 1000 != 0 { return "\(micros)us" }
        let millis = micros / 1000
        if millis % 3_600_000 == 0, millis != 0 { return "\(millis / 3_600_000)h" }
        if millis % 60_000 == 0, millis != 0 { return "\(millis / 60_000)m" }
        if millis % 1000 == 0 { return "\(millis / 1000)s" }
        return "\(millis)ms"
    }
}

import Foundation
