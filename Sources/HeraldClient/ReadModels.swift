public import Foundation

/// Where a message is, in brief (`GET /api/v1/messages/{id}/status`).
public struct MessageStatusReport: Sendable, Hashable {
    public var messageID: String
    public var status: MessageStatus
    public var attempts: Int
    public var providerMessageID: String?
    public var failureReason: String?
    public var lastError: String?
    public var nextAttemptAt: Date?
    public var sentAt: Date?
    public var deliveredAt: Date?
    public var readAt: Date?
    public var failedAt: Date?
    public var cancelledAt: Date?
}

/// One attempt to deliver a message, as its delivery log keeps it.
public struct AttemptInfo: Sendable, Hashable {
    public var id: String
    /// 1 for the first.
    public var number: Int
    public var startedAt: Date
    public var duration: Duration
    /// The provider's HTTP status, when it answered.
    public var httpStatus: Int?
    /// `sent`, `retry`, `failed`, `throttled` or `dry_run`.
    public var outcome: String
    public var error: String?
    /// The start of the provider's answer.
    public var responseExcerpt: String?
}

/// Which of the tenant's messages to list, newest first.
public struct MessageListQuery: Sendable, Hashable {
    /// 1–1000.
    public var limit: Int?
    /// The ``MessagePage/nextCursor`` of the page before.
    public var cursor: String?
    /// Only these statuses; empty for all.
    public var statuses: [MessageStatus]
    public var channel: String?
    public var recipient: String?
    public var providerMessageID: String?
    public var outletID: String?
    /// A sender profile's name.
    public var profile: String?
    public var createdAfter: Date?
    public var createdBefore: Date?
    /// The tenant's status events instead of its messages.
    public var events: Bool

    public init(
        limit: Int? = nil, cursor: String? = nil, statuses: [MessageStatus] = [], channel: String? = nil, recipient: String? = nil,
        providerMessageID: String? = nil, outletID: String? = nil, profile: String? = nil, createdAfter: Date? = nil,
        createdBefore: Date? = nil, events: Bool = false
    ) {
        self.limit = limit
        self.cursor = cursor
        self.statuses = statuses
        self.channel = channel
        self.recipient = recipient
        self.providerMessageID = providerMessageID
        self.outletID = outletID
        self.profile = profile
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
        self.events = events
    }
}

/// One page of a message list.
public struct MessagePage: Sendable, Hashable {
    public var messages: [MessageInfo]
    /// Give it as ``MessageListQuery/cursor`` for the next page; `nil` on the last.
    public var nextCursor: String?
}

/// What a batch did with each message, in the order given.
public struct BatchResult: Sendable, Hashable {
    /// What became of one message of a batch.
    public enum Outcome: Sendable, Hashable {
        /// Stored now.
        case accepted(MessageInfo)
        /// Its idempotency key was used before: the message stored then.
        case existing(MessageInfo)
        /// Not stored, and why.
        case rejected(HeraldClientError)
    }

    public var outcomes: [Outcome]

    /// How many were stored now, were there already, and were refused.
    public var accepted: Int { outcomes.filter { if case .accepted = $0 { true } else { false } }.count }
    public var existing: Int { outcomes.filter { if case .existing = $0 { true } else { false } }.count }
    public var rejected: Int { outcomes.filter { if case .rejected = $0 { true } else { false } }.count }
}
