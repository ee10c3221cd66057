/// How fast each destination has been answering lately: its answers in half-second buckets, the
/// last full one and the current one. A value type, kept under ``InFlightLedger``'s lock, driven
/// with explicit instants so tests need not sleep.
///
/// It is what lets a fast receiver have more than `dispatcher.connections_per_host` × 2
/// messages claimed at once: the claims that keep its connections busy come every few
/// milliseconds, each an fsync on SQLite, so a small fixed bound would cap the receiver at the
/// bound divided by a claim's round trip. What a destination answers in a quarter of a second
/// waits a quarter of a second at most for a connection; a slow or hanging receiver answers
/// little and keeps the small bound.
struct AnswerPace: Sendable {
    static let bucket = Duration.milliseconds(500)

    private struct Buckets: Sendable {
        var start: ContinuousClock.Instant
        var current = 0
        var previous = 0
    }

    private var destinations: [String: Buckets] = [:]

    /// Counts one answer from `destination` at `now`.
    mutating func answered(_ destination: String, at now: ContinuousClock.Instant) {
        var buckets = destinations[destination] ?? Buckets(start: now)
        Self.roll(&buckets, to: now)
        buckets.current += 1
        destinations[destination] = buckets
    }

    /// The destinations that answered more than `base` × 2 in their last half-second, with a
    /// quarter-second's worth of answers as their bound; forgets those silent for a second.
    mutating func raisedBounds(over base: Int, at now: ContinuousClock.Instant) -> [String: Int] {
        var bounds: [String: Int] = [:]
        for (destination, var buckets) in destinations {
            Self.roll(&buckets, to: now)
            guard buckets.current > 0 || buckets.previous > 0 else {
                destinations[destination] = nil
                continue
            }
            destinations[destination] = buckets
            let quarterSecond = max(buckets.current, buckets.previous) / 2
            if quarterSecond > base { bounds[destination] = quarterSecond }
        }
        return bounds
    }

    private static func roll(_ buckets: inout Buckets, to now: ContinuousClock.Instant) {
        let elapsed = now - buckets.start
        guard elapsed >= bucket else { return }
        buckets.previous = elapsed >= bucket * 2 ? 0 : buckets.current
        buckets.current = 0
        buckets.start = elapsed >= bucket * 2 ? now : buckets.start + bucket
    }
}
