import Foundation
@testable import HeraldAPI
import HeraldCore
import Testing

/// A message answer is written by hand (``MessageAnswer``) rather than by generated code, so it
/// is held to the document's `Message` schema here: every required field, no undocumented one,
/// each value of a documented type.
struct MessageAnswerTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000.123)

    /// A message with every field set, and one with none of the optional ones.
    static let messages: [Message] = {
        var full = Message(
            id: .generate(at: now),
            draft: MessageDraft(
                tenantID: TenantID("shop-1"), channel: "whatsapp", recipient: "+31612345678", url: "https://x.test/hook",
                content: "hello", payload: .object(["a": .integer(1)]),
                metadata: ["conversation_id": .string("c-1"), "outlet_id": .integer(42)],
                idempotencyKey: "k-1", fingerprint: "f", priority: 5, sendAt: now
            ),
            now: now
        )
        full.status = .failed
        full.attempts = 3
        full.providerMessageID = "wamid.1"
        full.lastError = "HTTP 410"
        for time in [\Message.sentAt, \.deliveredAt, \.readAt, \.failedAt, \.cancelledAt] { full[keyPath: time] = now }
        let sparse = Message(id: .generate(at: now), draft: MessageDraft(channel: "webhook"), now: now)
        return [full, sparse]
    }()

    static var schemas: JSONValue { OpenAPIDocument.json["components"]?["schemas"] ?? .null }

    /// The JSON types a schema allows, following `$ref`s.
    static func types(of schema: JSONValue) -> Set<String> {
        if case .string(let reference)? = schema["$ref"] {
            return types(of: schemas[String(reference.split(separator: "/").last ?? "")] ?? .null)
        }
        if case .string(let type)? = schema["type"] { return [type] }
        return strings(schema["type"])
    }

    /// The strings of a JSON array.
    static func strings(_ value: JSONValue?) -> Set<String> {
        guard case .array(let items)? = value else { return [] }
        return Set(items.compactMap(\.stringValue))
    }

    static func type(of value: JSONValue) -> Set<String> {
        switch value {
        case .null: ["null"]
        case .bool: ["boolean"]
        case .integer: ["integer", "number"]
        case .number(let number): number.rounded() == number ? ["integer", "number"] : ["number"]
        case .string: ["string"]
        case .array: ["array"]
        case .object: ["object"]
        }
    }

    @Test(arguments: messages)
    func answersMatchTheDocumentedSchema(_ message: Message) throws {
        let schema = try #require(Self.schemas["Message"])
        let properties = try #require(schema["properties"]?.objectValue)
        let required = Self.strings(schema["required"])
        let answer = try #require(MessageAnswer(message, providerIDField: "whatsapp_message_id").json.objectValue)

        #expect(required.subtracting(answer.keys).sorted() == [], "required fields missing")
        #expect(Set(answer.keys).subtracting(properties.keys).sorted() == [], "fields the document does not describe")
        for (name, value) in answer {
            let allowed = Self.types(of: properties[name] ?? .null)
            #expect(!allowed.isDisjoint(with: Self.type(of: value)), "\(name): \(value) is not one of \(allowed.sorted())")
        }
        let statuses = Self.strings(Self.schemas["Status"]?["enum"])
        #expect(statuses.contains(answer["status"]?.stringValue ?? ""))
    }

    @Test func answersCarryWhatTheReplacedServicesClientsRead() throws {
        let full = MessageAnswer(Self.messages[0], providerIDField: "whatsapp_message_id").json
        #expect(full["whatsapp_message_id"] == .string("wamid.1"))
        #expect(full["failure_reason"] == .string("HTTP 410"))
        #expect(full["conversation_id"] == .string("c-1"))
        #expect(full["outlet_id"] == .integer(42))
        #expect(full["sent_at"] == .string("2026-11-18T11:06:40.123Z"))
        let sparse = MessageAnswer(Self.messages[1], providerIDField: nil).json
        #expect(sparse["whatsapp_message_id"] == nil)
        for field in ["failure_reason", "sent_at", "provider_message_id", "to", "conversation_id"] {
            #expect(sparse[field] == .null, "\(field)")
        }
    }
}
