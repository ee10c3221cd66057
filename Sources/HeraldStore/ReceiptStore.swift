public import Foundation
public import HeraldCore

/// Where provider receipts are applied to messages: looked up by (channel, provider id) through
/// an index, moved forward along the life-cycle (``Message/applying(_:receivedAt:)``), kept in
/// each message's bounded history. Every driver passes the same conformance suite.
public protocol ReceiptStore: Sendable {
    /// Applies each receipt, in order, to the message with its provider id. A receipt whose
    /// message is not known yet (its send's completion is not written) is kept and applied by
    /// ``applyPendingReceipts(now:maxAge:events:)`` once it is. Each move raises the status event
    /// `events` gives for it, stored in the same transaction.
    /// - Returns: one result per receipt.
    func applyReceipts(_ receipts: [Receipt], now: Date, events: EventSubscriptions) async throws -> [ReceiptResult]

    /// Applies kept receipts whose message is now known, oldest first, raising their events as
    /// ``applyReceipts(_:now:events:)`` does, and drops those kept longer than `maxAge` (their
    /// message never became known).
    func applyPendingReceipts(now: Date, maxAge: Duration, events: EventSubscriptions) async throws -> PendingReceiptsRun
}

extension ReceiptStore {
    /// Applies receipts for tenants that take no events.
    public func applyReceipts(_ receipts: [Receipt], now: Date) async throws -> [ReceiptResult] {
        try await applyReceipts(receipts, now: now, events: .none)
    }

    /// Applies kept receipts for tenants that take no events.
    public func applyPendingReceipts(now: Date, maxAge: Duration) async throws -> PendingReceiptsRun {
        try await applyPendingReceipts(now: now, maxAge: maxAge, events: .none)
    }
}

/// What ``ReceiptStore/applyReceipts(_:now:events:)`` did with one receipt.
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
