public import Foundation

/// A message as stored: what to send, where, and how far it has got.
public struct Message: Sendable, Hashable, Codable {
    public var id: MessageID
    public var tenantID: TenantID
    /// A message a client asked for, or a status event Herald raised for the tenant.
    public var kind: MessageKind = .message
    /// The channel name, such as `webhook`.
    public var channel: String
    /// The recipient as the client gave it (a phone number, a user id); may be empty for webhooks.
    public var recipient: String?
    /// The destination URL for HTTP channels.
    public var url: String?
    /// Where its requests go (``Destination``): its URL's, or for a provider channel the
    /// provider's API as its profile names it. A claim takes no more of one destination's
    /// messages than it has room for (`dispatcher.connections_per_host`).
    public var destination: String?
    /// Text content.
    public var content: String?
    /// A JSON object sent as the body instead of Herald's envelope.
    public var payload: JSONValue?
    /// Free JSON the client attached (conversation id, reason…); returned, never interpreted.
    public var metadata: [String: JSONValue]
    public var idempotencyKey: String?
    /// A digest of the request that created the message, to tell a replay from a conflicting reuse of a key.
    public var fingerprint: String?
    /// Higher goes first.
    public var priority: Int
    public var status: MessageStatus
    /// Attempts started so far.
    public var attempts: Int
    public var sendAt: Date?
    /// The sender profile chosen at ingest; its credentials are read when the message is sent.
    public var profileID: ProfileID?
    /// The outlet the client named (`outlet_id`), compared as a string.
    public var outletID: String?
    /// Nothing goes out: the message ends `dry_run` (decided at ingest).
    public var dryRun: Bool
    /// Bot-server bailouts: the page the user is on.
    public var page: String?
    /// Bot-server bailouts: the form the user is moved to.
    public var form: String?
    /// A provider template (WhatsApp): `{"name", "language": {"code"}, "components"}`.
    public var template: JSONValue?
    /// Past this moment an unsent message is not sent: it ends `failed` with reason `expired`.
    public var expiresAt: Date?
    /// Throttling answers since the last real outcome; they do not use up the retry budget.
    public var throttles: Int
    /// When the dispatcher may next pick the message up.
    public var nextAttemptAt: Date
    /// Set when the message was put back to wait for a rate limit (not an attempt): it then
    /// holds its turn, so a claim takes it even while new messages of its bucket are left out.
    public var notBefore: Date?
    /// The provider's receipts for the message, oldest first, at most ``ReceiptEntry/historyLimit``.
    public var receipts: [ReceiptEntry] = []
    /// The dispatcher holding the message while it is `sending`.
    public var lease: Lease?
    /// How many times the message was claimed: each claim's lease carries the new count as its
    /// version, which fences off a late result of an earlier claim.
    public var leaseVersion: Int64 = 0
    /// How many times in a row its lease expired with nothing recorded under it (the process
    /// holding it died or hung); anything recorded — a result, a deferral, a lease returned —
    /// starts the count again.
    public var leaseExpiries: Int = 0
    public var providerMessageID: String?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?
    public var deliveredAt: Date?
    public var readAt: Date?
    public var failedAt: Date?
    public var cancelledAt: Date?
    /// When retention cleared its content, payload, template and metadata; such a message is
    /// never sent again.
    public var contentClearedAt: Date?

    /// Builds a new, not yet stored message from a validated draft.
    public init(id: MessageID, draft: MessageDraft, now: Date) {
        self.id = id
        self.tenantID = draft.tenantID
        self.channel = draft.channel
        self.recipient = draft.recipient
        self.url = draft.url
        self.destination = draft.destination ?? draft.url.flatMap(Destination.of(url:))
        self.content = draft.content
        self.payload = draft.payload
        self.metadata = draft.metadata
        self.idempotencyKey = draft.idempotencyKey
        self.fingerprint = draft.fingerprint
        self.priority = draft.priority
        self.attempts = 0
        self.sendAt = draft.sendAt
        self.profileID = draft.profileID
        self.outletID = draft.outletID
        self.dryRun = draft.dryRun
        self.page = draft.page
        self.form = draft.form
        self.template = draft.template
        self.expiresAt = draft.expiresAt
        self.throttles = 0
        if let sendAt = draft.sendAt, sendAt > now {
            self.status = .scheduled
            self.nextAttemptAt = sendAt
        } else {
            self.status = .queued
            self.nextAttemptAt = now
        }
        self.createdAt = now
        self.updatedAt = now
    }

    /// Moves to `next`, refusing a move the life-cycle does not allow.
    /// - Throws: ``HeraldError/illegalTransition(from:to:)``.
    public mutating func transition(to next: MessageStatus, at now: Date) throws(HeraldError) {
        guard status.canTransition(to: next) else {
            throw .illegalTransition(from: status, to: next)
        }
        status = next
        updatedAt = now
    }
}
