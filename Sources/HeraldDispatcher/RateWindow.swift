import Foundation

/// Counts events over the last minute in one-second buckets: a value type, so the dispatcher
/// keeps it under its lock and tests drive it with explicit times.
struct RateWindow: Sendable, Hashable {
    private var buckets = [Int](repeating: 0, count: 60)
    private var bucketSecond = [Int64](repeating: -1, count: 60)

    /// Records `count` events at `date`.
    mutating func record(_ count: Int = 1, at date: Date) {
        let second = Int64(date.timeIntervalSince1970.rounded(.down))
        let slot = Int(second % 60)
        if bucketSecond[slot] != second {
            bucketSecond[slot] = second
            buckets[slot] = 0
        }
        buckets[slot] += count
    }

    /// Events in the 60 seconds up to `date`.
    func total(at date: Date) -> Int {
        let now = Int64(date.timeIntervalSince1970.rounded(.down))
        return zip(buckets, bucketSecond).reduce(0) { sum, entry in
            entry.1 > now - 60 && entry.1 <= now ? sum + entry.0 : sum
        }
    }
}
