public import Foundation

/// A message the client asked for, validated, before it has an id and a place in the store.
public struct MessageDraft: Sendable, Hashable {
    public var tenantID: TenantID
    public var channel: String
    public var recipient: String?
    public var url: String?
    /// Where its requests will go, when not its ``url``'s: set by a provider channel from the
    /// profile (see ``Message/destination``).
    public var destination: String?
    public var content: String?
    public var payload: JSONValue?
    public var metadata: [String: JSONValue]
    public var idempotencyKey: String?
    public var fingerprint: String?
    public var priority: Int
    public var sendAt: Date?
    public var profileID: ProfileID?
    public var outletID: String?
    public var dryRun: Bool
    public var page: String?
    public var form: String?
    public var template: JSONValue?
    public var expiresAt: Date?

    public init(
        tenantID: TenantID = .default,
        channel: String,
        recipient: String? = nil,
        url: String? = nil,
        content: String? = nil,
        payload: JSONValue? = nil,
        metadata: [String: JSONValue] = [:],
        idempotencyKey: String? = nil,
        fingerprint: String? = nil,
        priority: Int = 0,
        sendAt: Date? = nil,
        profileID: ProfileID? = nil,
        outletID: String? = nil,
        dryRun: Bool = false,
        page: String? = nil,
        form: String? = nil,
        template: JSONValue? = nil,
        expiresAt: Date? = nil
    ) {
        self.tenantID = tenantID
        self.channel = channel
        self.recipient = recipient
        self.url = url
        self.content = content
        self.payload = payload
        self.metadata = metadata
        self.idempotencyKey = idempotencyKey
        self.fingerprint = fingerprint
        self.priority = priority
        self.sendAt = sendAt
        self.profileID = profileID
        self.outletID = outletID
        self.dryRun = dryRun
        self.page = page
        self.form = form
        self.template = template
        self.expiresAt = expiresAt
    }
}
