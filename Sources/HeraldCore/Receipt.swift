public import Foundation

/// What a provider reported, later and by calling back, about a message it accepted: delivered,
/// read, or failed after all. Channels parse their callbacks into receipts; stores apply them to
/// the message with that provider id (``Message/applying(_:receivedAt:)``).
public struct Receipt: Sendable, Hashable {
    /// What the provider says happened.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case delivered
        case read
        case failed
        case undelivered
        case canceled
        case partiallyDelivered = "partially_delivered"

        /// The message status the receipt moves to.
        public var messageStatus: MessageStatus {
            switch self {
            case .delivered: .delivered
            case .read: .read
            case .failed: .failed
            case .undelivered: .undelivered
            // Only Twilio's own scheduling cancels after acceptance; for Herald the message
            // will not arrive, so it failed (reason `canceled`). `cancelled` stays Herald's own.
            case .canceled: .failed
            case .partiallyDelivered: .partiallyDelivered
            }
        }
    }

    /// The channel that sent the message (`whatsapp`, `twilio`).
    public var channel: String
    /// The provider's id of the message (a wamid, a Twilio `SM…` sid).
    public var providerMessageID: String
    public var status: Status
    /// When it happened, by the provider's clock (whole seconds for both providers).
    public var at: Date
    /// The provider's error code for a failure (`131026`, `30003`).
    public var errorCode: String?
    /// The provider's words for the failure, with its details.
    public var errorMessage: String?
    /// The provider's sender the callback was verified for: a WhatsApp `phone_number_id`, a
    /// Twilio `AccountSid`.
    public var sender: String?
    /// The sender profiles the receipt may apply to: those that send as ``sender`` and whose
    /// credentials verified the callback. A receipt moves only a message sent with one of them,
    /// so one tenant's credentials never move another tenant's message.
    public var profiles: [ProfileID]

    public init(
        channel: String, providerMessageID: String, status: Status, at: Date, errorCode: String? = nil, errorMessage: String? = nil,
        sender: String? = nil, profiles: [ProfileID] = []
    ) {
        self.channel = channel
        self.providerMessageID = providerMessageID
        self.status = status
        self.at = at
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.sender = sender
        self.profiles = profiles
    }

    /// The receipt bound to the sender and profiles that verified it.
    public func verified(for sender: String?, profiles: [ProfileID]) -> Receipt {
        var receipt = self
        receipt.sender = sender
        receipt.profiles = profiles
        return receipt
    }

    /// Whether the receipt may move `message`: the same channel and provider id, sent with one of
    /// ``profiles``, and not in the middle of an attempt (a receipt waits until the attempt's
    /// result is recorded, then follows the life-cycle).
    public func mayApply(to message: Message) -> Bool {
        message.channel == channel && message.providerMessageID == providerMessageID
            && message.profileID.map(profiles.contains) == true && message.status != .sending
    }

    /// The failure reason kept on the message: `<code>: <message>`.
    public var failureReason: String? {
        guard status == .failed || status == .undelivered || status == .canceled || errorCode != nil else { return nil }
        let parts = [errorCode, errorMessage].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? status.rawValue : parts.joined(separator: ": ")
    }
}

/// One receipt as kept in a message's history.
public struct ReceiptEntry: Sendable, Hashable, Codable {
    /// The most entries a message keeps; the oldest go first.
    public static let historyLimit = 20

    public var status: Receipt.Status
    /// When it happened, by the provider's clock.
    public var at: Date
    /// When Herald received it.
    public var receivedAt: Date
    public var errorCode: String?
    public var errorMessage: String?
    /// Whether it moved the message (`false` for a late receipt kept only in the history).
    public var applied: Bool

    public init(status: Receipt.Status, at: Date, receivedAt: Date, errorCode: String?, errorMessage: String?, applied: Bool) {
        self.status = status
        self.at = at
        self.receivedAt = receivedAt
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.applied = applied
    }

    /// Whether `receipt` is this entry again (a provider's retry of the same callback): the
    /// same status and error. Twilio's callbacks carry no time, so the time is not compared.
    public func isSame(as receipt: Receipt) -> Bool {
        status == receipt.status && errorCode == receipt.errorCode
    }
}

/// What applying a receipt did.
public enum ReceiptEffect: Sendable, Hashable {
    /// The message moved to a new status.
    case moved(from: MessageStatus, to: MessageStatus)
    /// Kept in the history only: it would have moved the message back.
    case recordedLate
    /// The message already had this receipt: nothing changed.
    case duplicate
}

extension Message {
    /// The message with `receipt` applied, and what that did. Status only moves forward along
    /// the life-cycle; a receipt that would move it back is kept in the history only; the same
    /// receipt twice changes nothing.
    public func applying(_ receipt: Receipt, receivedAt: Date) -> (Message, ReceiptEffect) {
        if receipts.contains(where: { $0.isSame(as: receipt) }) { return (self, .duplicate) }
        var message = self
        let target = receipt.status.messageStatus
        let moves = status.canTransition(to: target)
        message.receipts.append(ReceiptEntry(
            status: receipt.status, at: receipt.at, receivedAt: receivedAt,
            errorCode: receipt.errorCode, errorMessage: receipt.errorMessage, applied: moves
        ))
        if message.receipts.count > ReceiptEntry.historyLimit {
            message.receipts.removeFirst(message.receipts.count - ReceiptEntry.historyLimit)
        }
        message.updatedAt = receivedAt
        guard moves else { return (message, .recordedLate) }
        message.status = target
        switch receipt.status {
        case .delivered:
            message.deliveredAt = message.deliveredAt ?? receipt.at
        case .partiallyDelivered:
            break
        case .read:
            // A read message was delivered, whether or not that receipt came.
            message.deliveredAt = message.deliveredAt ?? receipt.at
            message.readAt = receipt.at
        case .failed, .undelivered, .canceled:
            message.failedAt = receipt.at
            message.lastError = receipt.failureReason
        }
        return (message, .moved(from: status, to: target))
    }
}
