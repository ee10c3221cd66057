public import Foundation
public import HeraldCore

/// Any JSON value (metadata, payloads, templates), as Herald holds it.
public typealias JSONValue = HeraldCore.JSONValue

/// A message to hand to Herald: what `POST /api/v1/messages` takes (`MessageCreate` in the API
/// document). Every field is optional on its own; which ones a message needs depends on its
/// channel (a webhook needs a `url` unless the server has a default, WhatsApp and Twilio a `to`,
/// a bailout `to`, `page` and `form`). The server checks them and answers what is missing.
///
/// ```swift
/// var message = OutgoingMessage(channel: "whatsapp", to: "+31612345678", content: "Your order has shipped")
/// message.metadata = ["order_id": .string("A-1001")]
/// ```
public struct OutgoingMessage: Sendable, Hashable, Codable {
    /// `webhook`, `whatsapp`, `twilio` or `botserver`; `nil` for the profile's or the server's default.
    public var channel: String?
    /// The recipient: a phone number (WhatsApp, Twilio) or a bot user (bailouts).
    public var to: String?
    /// Webhooks: where to POST.
    public var url: String?
    /// Text content.
    public var content: String?
    /// Webhooks: a JSON object sent as the body instead of Herald's envelope.
    public var payload: JSONValue?
    /// Free JSON, returned and passed on, never interpreted.
    public var metadata: [String: JSONValue]?
    /// Unique per tenant: the same key twice stores the message once.
    public var idempotencyKey: String?
    /// The sender profile's name.
    public var profile: String?
    /// Send later, at this moment.
    public var sendAt: Date?
    /// −100…100; higher goes first.
    public var priority: Int?
    /// Send nothing; the message ends `dry_run`.
    public var dryRun: Bool?
    /// Bailouts: the page the user is on, and the form to move them to.
    public var page: String?
    public var form: String?
    /// WhatsApp: a template, `{"name", "language": {"code"}, "components"}`, instead of text.
    public var template: JSONValue?
    /// Past this moment an unsent message fails (reason `expired`) instead of going out late.
    public var expiresAt: Date?
    /// The outlet the message is for: picks the profile bound to it.
    public var outletID: String?

    public init(
        channel: String? = nil, to: String? = nil, url: String? = nil, content: String? = nil, payload: JSONValue? = nil,
        metadata: [String: JSONValue]? = nil, idempotencyKey: String? = nil, profile: String? = nil
    ) {
        self.channel = channel
        self.to = to
        self.url = url
        self.content = content
        self.payload = payload
        self.metadata = metadata
        self.idempotencyKey = idempotencyKey
        self.profile = profile
    }

    /// A bailout: move bot `user`, now on `page`, to `form`.
    public static func bailout(user: String, page: String, form: String, metadata: [String: JSONValue]? = nil, profile: String? = nil) -> Self {
        var message = OutgoingMessage(channel: "botserver", to: user, metadata: metadata, profile: profile)
        message.page = page
        message.form = form
        return message
    }

    private enum CodingKeys: String, CodingKey {
        case channel, to, url, content, payload, metadata, profile, priority, page, form, template
        case idempotencyKey = "idempotency_key", sendAt = "send_at", dryRun = "dry_run", expiresAt = "expires_at", outletID = "outlet_id"
    }

    /// Absent fields are left out; times are RFC 3339 text, whatever the encoder's date strategy.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(channel, forKey: .channel)
        try container.encodeIfPresent(to, forKey: .to)
        try container.encodeIfPresent(url, forKey: .url)
        try container.encodeIfPresent(content, forKey: .content)
        try container.encodeIfPresent(payload, forKey: .payload)
        try container.encodeIfPresent(metadata, forKey: .metadata)
        try container.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
        try container.encodeIfPresent(profile, forKey: .profile)
        try container.encodeIfPresent(sendAt.map(Timestamp.format), forKey: .sendAt)
        try container.encodeIfPresent(priority, forKey: .priority)
        try container.encodeIfPresent(dryRun, forKey: .dryRun)
        try container.encodeIfPresent(page, forKey: .page)
        try container.encodeIfPresent(form, forKey: .form)
        try container.encodeIfPresent(template, forKey: .template)
        try container.encodeIfPresent(expiresAt.map(Timestamp.format), forKey: .expiresAt)
        try container.encodeIfPresent(outletID, forKey: .outletID)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Date? { try container.decodeTimestampIfPresent(forKey: key) }
        channel = try container.decodeIfPresent(String.self, forKey: .channel)
        to = try container.decodeIfPresent(String.self, forKey: .to)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        content = try container.decodeIfPresent(String.self, forKey: .content)
        payload = try container.decodeIfPresent(JSONValue.self, forKey: .payload)
        metadata = try container.decodeIfPresent([String: JSONValue].self, forKey: .metadata)
        idempotencyKey = try container.decodeIfPresent(String.self, forKey: .idempotencyKey)
        profile = try container.decodeIfPresent(String.self, forKey: .profile)
        sendAt = try time(.sendAt)
        priority = try container.decodeIfPresent(Int.self, forKey: .priority)
        dryRun = try container.decodeIfPresent(Bool.self, forKey: .dryRun)
        page = try container.decodeIfPresent(String.self, forKey: .page)
        form = try container.decodeIfPresent(String.self, forKey: .form)
        template = try container.decodeIfPresent(JSONValue.self, forKey: .template)
        expiresAt = try time(.expiresAt)
        outletID = try container.decodeIfPresent(String.self, forKey: .outletID)
    }
}
