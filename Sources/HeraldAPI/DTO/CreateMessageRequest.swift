import Foundation
import HeraldCore

/// The body of `POST /api/v1/messages`, read field by field so that every wrong type is reported
/// at once with its field name. ``MessageIntake`` then decides what is required.
///
/// Clients of the services Herald replaces move over unchanged: `phoneNumber` stands for `to`,
/// `message` for `content`; `message_type`, `tenant_id`, `outlet_id` and `conversation_id` are
/// kept in the metadata (and the last two returned at the top level of every answer).
struct CreateMessageRequest: Sendable {
    /// Body fields kept in `metadata` under their own names.
    static let keptInMetadata = ["message_type", "tenant_id", "outlet_id", "conversation_id"]

    var channel: String?
    var to: String?
    var url: String?
    var content: String?
    var payload: JSONValue?
    var metadata: JSONValue?
    var idempotencyKey: String?
    var sendAt: String?
    var priority: Int?
    /// `message_type`, `tenant_id`, `outlet_id`, `conversation_id` as given.
    var kept: [String: JSONValue]

    /// Reads the known fields of `object`, adding a problem for each one of the wrong type.
    init(_ object: [String: JSONValue], problems: inout [FieldProblem]) {
        var reader = FieldReader(object: object)
        channel = reader.string("channel")
        to = reader.string("to") ?? reader.string("phoneNumber")
        url = reader.string("url")
        content = reader.string("content") ?? reader.string("message")
        payload = reader.value("payload")
        metadata = reader.value("metadata")
        kept = [:]
        for name in Self.keptInMetadata {
            guard let value = object[name], value != .null else { continue }
            switch value {
            case .string, .number, .integer: kept[name] = value
            default:
                problems.append(FieldProblem(field: name, code: "wrong_type", problem: "must be a string or a number"))
            }
        }
        idempotencyKey = reader.string("idempotency_key")
        sendAt = reader.string("send_at")
        priority = reader.integer("priority")
        problems += reader.problems
    }
}

/// Typed reads from a JSON object; `null` counts as absent.
struct FieldReader {
    let object: [String: JSONValue]
    private(set) var problems: [FieldProblem] = []

    init(object: [String: JSONValue]) {
        self.object = object
    }

    mutating func string(_ name: String) -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let text)? where text.utf8.contains(0):
            problems += FieldProblem.characters(of: text, field: name)
            return nil
        case .string(let text)?: return text
        default:
            wrongType(name, "a string")
            return nil
        }
    }

    mutating func integer(_ name: String) -> Int? {
        switch object[name] {
        case nil, .null?: return nil
        case let value? where value.integerValue != nil: return value.integerValue
        default:
            wrongType(name, "a whole number")
            return nil
        }
    }

    func value(_ name: String) -> JSONValue? {
        switch object[name] {
        case nil, .null?: nil
        case let value?: value
        }
    }

    private mutating func wrongType(_ name: String, _ expected: String) {
        problems.append(FieldProblem(field: name, code: "wrong_type", problem: "must be \(expected)"))
    }
}

extension FieldProblem {
    /// A string field's characters: PostgreSQL text cannot hold U+0000, so refusing it here keeps
    /// one bad field from failing a whole group commit on any driver.
    static func characters(of text: String, field: String) -> [FieldProblem] {
        guard text.utf8.contains(0) else { return [] }
        return [FieldProblem(field: field, code: "invalid_character", problem: "must not contain the NUL character (\\u0000)")]
    }
}
