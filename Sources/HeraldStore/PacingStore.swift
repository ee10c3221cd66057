public import Foundation
public import HeraldCore

/// Spacing between sends from one sender to one recipient, kept in the database so every
/// process sees the same (GCRA: one "theoretical arrival time" per pair).
public protocol PacingStore: Sendable {
    /// Reserves one send for each request, in order (a pair may appear more than once).
    /// - Returns: for each, when it may go: `now`, or a later moment its send is reserved for.
    func reservePacing(_ requests: [RecipientPacing], now: Date) async throws -> [Date]
}

/// The GCRA arithmetic every driver uses for ``PacingStore``.
package enum PacingSchedule {
    /// Reserves `count` sends on a pair whose next theoretical arrival is `tat`.
    /// - Returns: the moment each may go, and the pair's new theoretical arrival.
    package static func reserve(tat: Date?, count: Int, pacing: RecipientPacing, now: Date) -> (slots: [Date], tat: Date) {
        let interval = pacing.interval.seconds
        let tolerance = interval * Double(pacing.burst - 1)
        var next = max(tat ?? now, now)
        var slots: [Date] = []
        slots.reserveCapacity(count)
        for _ in 0..<count {
            slots.append(max(now, next.addingTimeInterval(-tolerance)))
            next = next.addingTimeInterval(interval)
        }
        return (slots, next)
    }

    /// The requests grouped by pair, in first-seen order, with the positions each fills.
    package static func grouped(_ requests: [RecipientPacing]) -> [(pacing: RecipientPacing, positions: [Int])] {
        var groups: [(pacing: RecipientPacing, positions: [Int])] = []
        var slot: [String: Int] = [:]
        for (index, request) in requests.enumerated() {
            if let existing = slot[request.key] {
                groups[existing].positions.append(index)
            } else {
                slot[request.key] = groups.count
                groups.append((request, [index]))
            }
        }
        return groups
    }
}
