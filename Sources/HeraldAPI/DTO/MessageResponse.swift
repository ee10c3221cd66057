import Foundation
import HeraldCore

/// A message as the API shows it: snake_case, RFC 3339 times, no lease internals.
enum MessageResponse {
    static func json(_ message: Message) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(message.id.rawValue),
            "message_id": .string(message.id.rawValue),
            "tenant_id": .string(message.tenantID.rawValue),
            "channel": .string(message.channel),
            "to": .optional(message.recipient),
            "url": .optional(message.url),
            "content": .optional(message.content),
            "payload": message.payload ?? .null,
            "metadata": .object(message.metadata),
            "idempotency_key": .optional(message.idempotencyKey),
            "priority": .number(Double(message.priority)),
            "status": .string(message.status.rawValue),
            "attempts": .number(Double(message.attempts)),
            "send_at": .timestamp(message.sendAt),
            "next_attempt_at": .timestamp(message.status.isPending ? message.nextAttemptAt : nil),
            "provider_message_id": .optional(message.providerMessageID),
            "last_error": .optional(message.lastError),
            "created_at": .timestamp(message.createdAt),
            "updated_at": .timestamp(message.updatedAt),
            "sent_at": .timestamp(message.sentAt),
            "delivered_at": .timestamp(message.deliveredAt),
            "read_at": .timestamp(message.readAt),
            "failed_at": .timestamp(message.failedAt),
            "cancelled_at": .timestamp(message.cancelledAt),
            "failure_reason": .optional(message.status == .failed ? message.lastError : nil),
            "conversation_id": message.metadata["conversation_id"] ?? .null,
            "outlet_id": message.metadata["outlet_id"] ?? .null,
        ]
        if message.channel == "whatsapp" {
            fields["whatsapp_message_id"] = .optional(message.providerMessageID)
        }
        return .object(fields)
    }
}

extension JSONValue {
    /// A string, or `null` when absent.
    static func optional(_ text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }

    /// An RFC 3339 time, or `null` when absent.
    static func timestamp(_ date: Date?) -> JSONValue {
        date.map { .string(Timestamp.format($0)) } ?? .null
    }
}
