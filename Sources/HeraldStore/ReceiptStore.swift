public import Foundation
public import HeraldCore

/// Where provider receipts are applied to messages: looked up by (channel, provider id) through
/// an index, moved forward along the life-cycle (``Message/applying(_:receivedAt:)``), kept in
/// each message's bounded history. Every driver passes the same conformance suite.
public protocol ReceiptStore: Sendable {
    /// Applies each receipt, in order, to the message with its provider id. A receipt whose
    /// message is not known yet (its send's completion is not written) is kept and applied by
    /// ``applyPendingReceipts(now:maxAge:)`` once it is.
    /// - Returns: one result per receipt.
    func applyReceipts(_ receipts: [Receipt], now: Date) async throws -> [ReceiptResult]

    /// Applies kept receipts whose message is now known, oldest first, and drops those kept
    /// longer than `maxAge` (their message never became known).
    func applyPendingReceipts(now: Date, maxAge: Duration) async throws -> PendingReceiptsRun
}

/// What ``ReceiptStore/applyReceipts(_:now:)`` did with one receipt.
public enum ReceiptResult: Sendable, Hashable {
    /// Applied to the message (shown as it is now), with what that did.
    case applied(Message, ReceiptEffect)
    /// No message has that provider id yet: kept to be applied when one does.
    case pending
}

/// What one pass over the kept receipts did.
public struct PendingReceiptsRun: Sendable, Hashable {
    /// The messages they were applied to, as they are now, with what each did.
    public var applied: [AppliedReceipt]
    /// Receipts dropped: kept past the age limit without their message becoming known.
    public var expired: Int

    public init(applied: [AppliedReceipt] = [], expired: Int = 0) {
        self.applied = applied
        self.expired = expired
    }
}

/// A receipt applied to its message.
public struct AppliedReceipt: Sendable, Hashable {
    public var receipt: Receipt
    public var message: Message
    public var effect: ReceiptEffect

    public init(receipt: Receipt, message: Message, effect: ReceiptEffect) {
        self.receipt = receipt
        self.message = message
        self.effect = effect
    }
}

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
