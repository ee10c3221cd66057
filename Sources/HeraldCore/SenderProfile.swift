public import Foundation

/// A tenant's named credentials and settings for one channel: a WhatsApp Business number, a
/// Twilio account, a bot server, a webhook endpoint. A message is sent with one profile, chosen
/// at ingest by name, by the outlet it is bound to, or as the tenant's default for its channel.
///
/// `config` holds the provider's own fields (its channel checks them); the fields the channel
/// names secret are never shown, only ``maskedHint(_:)``.
public struct SenderProfile: Sendable, Hashable {
    public var id: ProfileID
    public var tenantID: TenantID
    /// Unique within its tenant: `[A-Za-z0-9_.-]`, 1–64 characters.
    public var name: String
    /// The channel it sends on, such as `whatsapp`.
    public var channel: String
    /// The provider's settings and credentials, as the channel reads them.
    public var config: [String: JSONValue]
    /// Outlets whose messages use this profile; an outlet has at most one profile per channel.
    public var outletIDs: [String]
    /// The tenant's profile for its channel when a message names none and has no bound outlet.
    public var isDefault: Bool
    /// Messages sent with it go nowhere and end `dry_run`.
    public var dryRun: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ProfileID,
        tenantID: TenantID,
        name: String,
        channel: String,
        config: [String: JSONValue],
        outletIDs: [String] = [],
        isDefault: Bool = false,
        dryRun: Bool = false,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.channel = channel
        self.config = config
        self.outletIDs = outletIDs
        self.isDefault = isDefault
        self.dryRun = dryRun
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A setting of `config` as text (a whole number, such as a `phone_number_id` sent unquoted,
    /// as its digits), or `nil` when absent, empty or of another type.
    public func setting(_ name: String) -> String? {
        switch config[name] {
        case .string(let text)? where !text.isEmpty: text
        case .integer(let number)?: String(number)
        default: nil
        }
    }

    /// Whether `text` may name a profile.
    public static func isValidName(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }

    /// A secret shown safely: `…` and its last four characters (nothing more of a short one).
    public static func maskedHint(_ secret: String) -> String {
        secret.count <= 8 ? "…" : "…" + secret.suffix(4)
    }
}
