public import Foundation
public import HeraldCore

/// Where a message is in its life-cycle: `queued`, `sending`, `sent`, `delivered`, `read`,
/// `failed`, `cancelled`, `dry_run`…
public typealias MessageStatus = HeraldCore.MessageStatus

/// A message as Herald answers it (`Message` in the API document): what was asked, where it is
/// now, and when each step happened.
public struct MessageInfo: Sendable, Hashable, Codable {
    public var id: String
    public var tenantID: String
    /// `message`, or `event` for a status event Herald raised for the tenant.
    public var kind: String
    public var channel: String
    public var to: String?
    public var url: String?
    public var content: String?
    public var payload: JSONValue?
    public var metadata: [String: JSONValue]
    public var idempotencyKey: String?
    public var priority: Int
    public var status: MessageStatus
    /// Attempts made so far.
    public var attempts: Int
    /// The provider's id of the message (a wamid, a Twilio sid), once sent.
    public var providerMessageID: String?
    /// Why it failed, when it did.
    public var failureReason: String?
    /// The last attempt's error, if any.
    public var lastError: String?
    public var profileID: String?
    public var dryRun: Bool
    public var sendAt: Date?
    public var nextAttemptAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?
    public var deliveredAt: Date?
    public var readAt: Date?
    public var failedAt: Date?
    public var cancelledAt: Date?
    /// The provider's receipts, oldest first, as Herald shows them.
    public var receipts: [JSONValue]

    /// Whether it reached the provider (`sent`, `delivered` or `read`).
    public var isSent: Bool { [.sent, .delivered, .read].contains(status) }

    private enum CodingKeys: String, CodingKey {
        case id, kind, channel, to, url, content, payload, metadata, priority, status, attempts, receipts
        case tenantID = "tenant_id", idempotencyKey = "idempotency_key", providerMessageID = "provider_message_id"
        case failureReason = "failure_reason", lastError = "last_error", profileID = "profile_id", dryRun = "dry_run"
        case sendAt = "send_at", nextAttemptAt = "next_attempt_at", createdAt = "created_at", updatedAt = "updated_at"
        case sentAt = "sent_at", deliveredAt = "delivered_at", readAt = "read_at", failedAt = "failed_at", cancelledAt = "cancelled_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Date? { try container.decodeTimestampIfPresent(forKey: key) }
        func required(_ key: CodingKeys) throws -> Date {
            guard let date = try time(key) else { throw DecodingError.valueNotFound(Date.self, .init(codingPath: [key], debugDescription: "missing")) }
            return date
        }
        id = try container.decode(String.self, forKey: .id)
        tenantID = try container.decode(String.self, forKey: .tenantID)
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "message"
        channel = try container.decode(String.self, forKey: .channel)
        to = try container.decodeIfPresent(String.self, forKey: .to)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        content = try container.decodeIfPresent(String.self, forKey: .content)
        payload = try container.decodeIfPresent(JSONValue.self, forKey: .payload).flatMap { $0 == .null ? nil : $0 }
        metadata = try container.decodeIfPresent([String: JSONValue].self, forKey: .metadata) ?? [:]
        idempotencyKey = try container.decodeIfPresent(String.self, forKey: .idempotencyKey)
        priority = try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        status = try container.decode(MessageStatus.self, forKey: .status)
        attempts = try container.decodeIfPresent(Int.self, forKey: .attempts) ?? 0
        providerMessageID = try container.decodeIfPresent(String.self, forKey: .providerMessageID)
        failureReason = try container.decodeIfPresent(String.self, forKey: .failureReason)
        lastError = try container.decodeIfPresent(String.self, forKey: .lastError)
        profileID = try container.decodeIfPresent(String.self, forKey: .profileID)
        dryRun = try container.decodeIfPresent(Bool.self, forKey: .dryRun) ?? false
        sendAt = try time(.sendAt)
        nextAttemptAt = try time(.nextAttemptAt)
        createdAt = try required(.createdAt)
        updatedAt = try required(.updatedAt)
        sentAt = try time(.sentAt)
        deliveredAt = try time(.deliveredAt)
        readAt = try time(.readAt)
        failedAt = try time(.failedAt)
        cancelledAt = try time(.cancelledAt)
        receipts = try container.decodeIfPresent([JSONValue].self, forKey: .receipts) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        func time(_ date: Date?, _ key: CodingKeys) throws { try container.encode(date.map(Timestamp.format), forKey: key) }
        try container.encode(id, forKey: .id)
        try container.encode(tenantID, forKey: .tenantID)
        try container.encode(kind, forKey: .kind)
        try container.encode(channel, forKey: .channel)
        try container.encode(to, forKey: .to)
        try container.encode(url, forKey: .url)
        try container.encode(content, forKey: .content)
        try container.encode(payload ?? .null, forKey: .payload)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(idempotencyKey, forKey: .idempotencyKey)
        try container.encode(priority, forKey: .priority)
        try container.encode(status, forKey: .status)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(providerMessageID, forKey: .providerMessageID)
        try container.encode(failureReason, forKey: .failureReason)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(profileID, forKey: .profileID)
        try container.encode(dryRun, forKey: .dryRun)
        try time(sendAt, .sendAt)
        try time(nextAttemptAt, .nextAttemptAt)
        try time(createdAt, .createdAt)
        try time(updatedAt, .updatedAt)
        try time(sentAt, .sentAt)
        try time(deliveredAt, .deliveredAt)
        try time(readAt, .readAt)
        try time(failedAt, .failedAt)
        try time(cancelledAt, .cancelledAt)
        try container.encode(receipts, forKey: .receipts)
    }
}
