import Foundation
import HeraldCore

/// A message as the API answers it (`Message` in the document, replaced by this type in the
/// generated code): snake_case, RFC 3339 times, no lease internals; every nullable field written
/// as `null` when empty, as the replaced services' clients read them; the `conversation_id` and
/// `outlet_id` a client sent at the top level, and the provider id again under the name its
/// channel gives it (`whatsapp_message_id` for WhatsApp).
///
/// Kept as JSON rather than as the generated struct: answering with a message is the ingest hot
/// path, and the generated struct's twenty nullable fields cost Foundation's encoder a nested
/// encoder each (a seventh of the server's CPU time under ingest load, measured with perf). `MessageAnswerTests` holds
/// these fields to the document's `Message` schema.
struct MessageAnswer: Codable, Hashable, Sendable {
    var json: JSONValue

    /// - Parameter providerIDField: where the message's channel repeats the provider id, if anywhere.
    init(_ message: Message, providerIDField: String?) {
        var fields: [String: JSONValue] = [
            "id": .string(message.id.rawValue),
            "message_id": .string(message.id.rawValue),
            "tenant_id": .string(message.tenantID.rawValue),
            "kind": .string(message.kind.rawValue),
            "channel": .string(message.channel),
            "to": .optional(message.recipient),
            "url": .optional(message.url),
            "content": .optional(message.content),
            "payload": message.payload ?? .null,
            "metadata": .object(message.metadata),
            "idempotency_key": .optional(message.idempotencyKey),
            "priority": .integer(Int64(message.priority)),
            "status": .string(message.status.rawValue),
            "attempts": .integer(Int64(message.attempts)),
            "send_at": .timestamp(message.sendAt),
            "next_attempt_at": .timestamp(message.status.isPending ? message.nextAttemptAt : nil),
            "provider_message_id": .optional(message.providerMessageID),
            "last_error": .optional(message.lastError),
            "failure_reason": .optional(message.status.isFailure ? message.lastError : nil),
            "conversation_id": message.metadata["conversation_id"] ?? .null,
            "outlet_id": message.metadata["outlet_id"] ?? message.outletID.map(JSONValue.string) ?? .null,
            "profile_id": .optional(message.profileID?.rawValue),
            "dry_run": .bool(message.dryRun),
            "page": .optional(message.page),
            "form": .optional(message.form),
            "template": message.template ?? .null,
            "expires_at": .timestamp(message.expiresAt),
            "created_at": .timestamp(message.createdAt),
            "updated_at": .timestamp(message.updatedAt),
            "sent_at": .timestamp(message.sentAt),
            "delivered_at": .timestamp(message.deliveredAt),
            "read_at": .timestamp(message.readAt),
            "failed_at": .timestamp(message.failedAt),
            "cancelled_at": .timestamp(message.cancelledAt),
            "receipts": .array(message.receipts.map(Self.receipt)),
        ]
        if let providerIDField {
            fields[providerIDField] = .optional(message.providerMessageID)
        }
        json = .object(fields)
    }

    /// One entry of the receipt history, with RFC 3339 times.
    static func receipt(_ entry: ReceiptEntry) -> JSONValue {
        .object([
            "status": .string(entry.status.rawValue),
            "at": .timestamp(entry.at),
            "received_at": .timestamp(entry.receivedAt),
            "error_code": .optional(entry.errorCode),
            "error_message": .optional(entry.errorMessage),
            "applied": .bool(entry.applied),
        ])
    }

    init(from decoder: any Decoder) throws {
        json = try JSONValue(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

extension APIHandler {
    /// A message as answered, with its provider id under its channel's own name for it.
    func answer(_ message: Message) -> MessageAnswer {
        MessageAnswer(message, providerIDField: dependencies.channels[message.channel]?.providerIDField)
    }
}

extension JSONValue {
    /// A string, or `null` when absent.
    static func optional(_ text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }

    /// An RFC 3339 time with milliseconds, or `null` when absent.
    static func timestamp(_ date: Date?) -> JSONValue {
        date.map { .string(Timestamp.format($0)) } ?? .null
    }
}
