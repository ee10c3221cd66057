public import Foundation
public import HeraldCore

/// Which of a tenant's messages to list, newest first.
public struct MessageQuery: Sendable, Hashable {
    public var tenant: TenantID
    /// The clients' messages (the default) or the status events raised for the tenant.
    public var kind: MessageKind
    /// Empty for every status.
    public var statuses: Set<MessageStatus>
    public var channel: String?
    public var recipient: String?
    public var providerMessageID: String?
    public var outletID: String?
    public var profileID: ProfileID?
    /// Created at or after.
    public var createdFrom: Date?
    /// Created before.
    public var createdBefore: Date?
    /// Only messages older than this one (the cursor of keyset pagination).
    public var olderThan: MessageID?
    public var offset: Int
    public var limit: Int

    public init(
        tenant: TenantID,
        kind: MessageKind = .message,
        statuses: Set<MessageStatus> = [],
        channel: String? = nil,
        recipient: String? = nil,
        providerMessageID: String? = nil,
        outletID: String? = nil,
        profileID: ProfileID? = nil,
        createdFrom: Date? = nil,
        createdBefore: Date? = nil,
        olderThan: MessageID? = nil,
        offset: Int = 0,
        limit: Int = 50
    ) {
        self.tenant = tenant
        self.kind = kind
        self.statuses = statuses
        self.channel = channel
        self.recipient = recipient
        self.providerMessageID = providerMessageID
        self.outletID = outletID
        self.profileID = profileID
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
        self.olderThan = olderThan
        self.offset = offset
        self.limit = limit
    }

    /// Whether `message` is one this query asks for (ignoring offset and limit).
    public func matches(_ message: Message) -> Bool {
        message.tenantID == tenant
            && message.kind == kind
            && (statuses.isEmpty || statuses.contains(message.status))
            && (channel == nil || message.channel == channel)
            && (recipient == nil || message.recipient == recipient)
            && (providerMessageID == nil || message.providerMessageID == providerMessageID)
            && (outletID == nil || message.outletID == outletID)
            && (profileID == nil || message.profileID == profileID)
            && (createdFrom.map { message.createdAt >= $0 } ?? true)
            && (createdBefore.map { message.createdAt < $0 } ?? true)
            && (olderThan.map { message.id < $0 } ?? true)
    }
}
