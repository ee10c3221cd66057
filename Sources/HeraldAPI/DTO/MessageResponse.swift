import Foundation
import HeraldCore

/// A message as the API shows it (snake_case, RFC 3339 times, no lease internals).
struct MessageResponse: Encodable {
    let message: Message

    enum CodingKeys: String, CodingKey {
        case id, tenantID = "tenant_id", channel, to, url, content, payload, metadata
        case idempotencyKey = "idempotency_key", priority, status, attempts
        case sendAt = "send_at", nextAttemptAt = "next_attempt_at"
        case providerMessageID = "provider_message_id", lastError = "last_error"
        case createdAt = "created_at", updatedAt = "updated_at", sentAt = "sent_at"
        case deliveredAt = "delivered_at", readAt = "read_at", failedAt = "failed_at", cancelledAt = "cancelled_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(message.id, forKey: .id)
        try c.encode(message.tenantID, forKey: .tenantID)
        try c.encode(message.channel, forKey: .channel)
        try c.encode(message.recipient, forKey: .to)
        try c.encode(message.url, forKey: .url)
        try c.encode(message.content, forKey: .content)
        try c.encode(message.payload, forKey: .payload)
        try c.encode(message.metadata, forKey: .metadata)
        try c.encode(message.idempotencyKey, forKey: .idempotencyKey)
        try c.encode(message.priority, forKey: .priority)
        try c.encode(message.status, forKey: .status)
        try c.encode(message.attempts, forKey: .attempts)
        try c.encode(message.sendAt.map(Timestamp.format), forKey: .sendAt)
        try c.encode(message.status.isPending ? Timestamp.format(message.nextAttemptAt) : nil, forKey: .nextAttemptAt)
        try c.encode(message.providerMessageID, forKey: .providerMessageID)
        try c.encode(message.lastError, forKey: .lastError)
        try c.encode(Timestamp.format(message.createdAt), forKey: .createdAt)
        try c.encode(Timestamp.format(message.updatedAt), forKey: .updatedAt)
        try c.encode(message.sentAt.map(Timestamp.format), forKey: .sentAt)
        try c.encode(message.deliveredAt.map(Timestamp.format), forKey: .deliveredAt)
        try c.encode(message.readAt.map(Timestamp.format), forKey: .readAt)
        try c.encode(message.failedAt.map(Timestamp.format), forKey: .failedAt)
        try c.encode(message.cancelledAt.map(Timestamp.format), forKey: .cancelledAt)
    }
}
