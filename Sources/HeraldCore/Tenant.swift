public import Foundation

/// A customer of the service (a shop, an outlet, a platform's customer): owns messages and keys,
/// may have a quota, and can be disabled (its keys then get 401).
public struct Tenant: Sendable, Hashable, Codable {
    public var id: TenantID
    public var name: String
    public var disabled: Bool
    public var quota: Quota?
    /// The channel of this tenant's messages that name none and whose outlet has no profile;
    /// `nil` for the server's `app.default_channel`.
    public var defaultChannel: String?
    /// Where Herald posts the status events of this tenant's messages; `nil` for none.
    public var eventsURL: String?
    /// The `whsec_…` secret those events are signed with (Standard Webhooks).
    public var eventsSecret: String?
    /// The secret the last rotation replaced: it still signs events until
    /// ``previousEventsSecretExpiresAt``.
    public var previousEventsSecret: String?
    public var previousEventsSecretExpiresAt: Date?
    /// The `whsec_…` secret its webhooks are signed with (Standard Webhooks); `nil` for the
    /// `default` tenant, whose secret is the server's `webhook.secret`.
    public var webhookSecret: String?
    /// The webhook secret the last rotation replaced: it still signs beside the new one until
    /// ``previousWebhookSecretExpiresAt``.
    public var previousWebhookSecret: String?
    public var previousWebhookSecretExpiresAt: Date?
    /// Whether the server's `webhook.secret` also signs its webhooks: a tenant made before
    /// tenants had secrets of their own, until its first rotation (its receivers know only the
    /// server's secret).
    public var webhookSignedWithServerSecret = false
    /// Its share of the sending capacity relative to the other tenants' while they compete for
    /// it: each claim gives the tenants with due work messages in proportion to their weights.
    public var weight: Int = Tenant.defaultWeight
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: TenantID, name: String, disabled: Bool = false, quota: Quota? = nil, defaultChannel: String? = nil,
        eventsURL: String? = nil, eventsSecret: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.defaultChannel = defaultChannel
        self.eventsURL = eventsURL
        self.eventsSecret = eventsSecret
        self.id = id
        self.name = name
        self.disabled = disabled
        self.quota = quota
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static let defaultWeight = 1
    /// The weights a tenant may have.
    public static let weights = 1...100

    /// A new tenant id, for a tenant created without one: `tenant_` and 16 random characters of
    /// `a-z0-9` (a valid id, unlikely to clash).
    public static func generateID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return "tenant_" + String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// Whether `text` may be a tenant id: 1–64 of `a-z`, `0-9`, `-`, `_`, starting with a letter or digit.
    public static func isValidID(_ text: String) -> Bool {
        guard (1...64).contains(text.utf8.count), let first = text.utf8.first, first != UInt8(ascii: "-"), first != UInt8(ascii: "_") else {
            return false
        }
        return text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}
