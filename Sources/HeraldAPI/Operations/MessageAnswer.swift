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
    /// The answer's members in key order, the order ``JSONWriter`` writes them in.
    let members: [(key: String, value: JSONValue)]

    /// The answer as one JSON value.
    var json: JSONValue {
        .object(Dictionary(members, uniquingKeysWith: { _, last in last }))
    }

    /// - Parameter providerIDField: where the message's channel repeats the provider id, if anywhere.
    init(_ message: Message, providerIDField: String?) {
        // Written in key order, so the answer is written without sorting (`AnswerJSONTests`
        // holds the order to what JSONWriter writes for ``json``).
        var members: [(key: String, value: JSONValue)] = [
            ("attempts", .integer(Int64(message.attempts))),
            ("cancelled_at", .timestamp(message.cancelledAt)),
            ("channel", .string(message.channel)),
            ("content", .optional(message.content)),
            ("conversation_id", message.metadata["conversation_id"] ?? .null),
            ("created_at", .timestamp(message.createdAt)),
            ("delivered_at", .timestamp(message.deliveredAt)),
            ("dry_run", .bool(message.dryRun)),
            ("expires_at", .timestamp(message.expiresAt)),
            ("failed_at", .timestamp(message.failedAt)),
            ("failure_reason", .optional(message.status.isFailure ? message.lastError : nil)),
            ("form", .optional(message.form)),
            ("id", .string(message.id.rawValue)),
            ("idempotency_key", .optional(message.idempotencyKey)),
            ("kind", .string(message.kind.rawValue)),
            ("last_error", .optional(message.lastError)),
            ("message_id", .string(message.id.rawValue)),
            ("metadata", .object(message.metadata)),
            ("next_attempt_at", .timestamp(message.status.isPending ? message.nextAttemptAt : nil)),
            ("outlet_id", message.metadata["outlet_id"] ?? message.outletID.map(JSONValue.string) ?? .null),
            ("page", .optional(message.page)),
            ("payload", message.payload ?? .null),
            ("priority", .integer(Int64(message.priority))),
            ("profile_id", .optional(message.profileID?.rawValue)),
            ("provider_message_id", .optional(message.providerMessageID)),
            ("read_at", .timestamp(message.readAt)),
            ("receipts", .array(message.receipts.map(Self.receipt))),
            ("send_at", .timestamp(message.sendAt)),
            ("sent_at", .timestamp(message.sentAt)),
            ("status", .string(message.status.rawValue)),
            ("template", message.template ?? .null),
            ("tenant_id", .string(message.tenantID.rawValue)),
            ("to", .optional(message.recipient)),
            ("updated_at", .timestamp(message.updatedAt)),
            ("url", .optional(message.url)),
        ]
        if let providerIDField {
            let member = (key: providerIDField, value: JSONValue.optional(message.providerMessageID))
            let place = members.firstIndex { $0.key >= providerIDField } ?? members.endIndex
            if place < members.endIndex, members[place].key == providerIDField {
                members[place] = member
            } else {
                members.insert(member, at: place)
            }
        }
        self.members = members
    }

    /// Appends the answer's JSON to `out`: the bytes ``JSONWriter`` writes for ``json``.
    func write(into out: inout [UInt8]) {
        JSONWriter.writeObject(sortedMembers: members, into: &out)
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
        guard let members = try JSONValue(from: decoder).objectValue else {
            throw DecodingError.typeMismatch(
                MessageAnswer.self, .init(codingPath: decoder.codingPath, debugDescription: "a message is a JSON object")
            )
        }
        self.members = members.sorted { $0.key < $1.key }
    }

    func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    static func == (left: MessageAnswer, right: MessageAnswer) -> Bool {
        left.json == right.json
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(json)
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
