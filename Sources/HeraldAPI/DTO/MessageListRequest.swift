import Foundation
import HeraldCore
import HeraldStore

/// The query of `GET /api/v1/messages`: `limit`, `offset`, `cursor`, `status` (comma-separated),
/// `channel`, `recipient` (or `to`), `provider_message_id`, `outlet_id`, `created_after`,
/// `created_before` (RFC 3339). `profile` (a name) is resolved by the handler.
struct MessageListRequest {
    var query: MessageQuery

    /// - Parameter parameters: the query's values as text, by name.
    /// - Throws: ``APIError`` 422 naming each bad parameter.
    init(_ parameters: (String) -> String?, tenant: TenantID, maxPageSize: Int) throws {
        var problems: [FieldProblem] = []
        var query = MessageQuery(tenant: tenant)

        if let text = parameters("limit") {
            if let limit = Int(text), (1...maxPageSize).contains(limit) {
                query.limit = limit
            } else {
                problems.append(FieldProblem(field: "limit", code: "out_of_range", problem: "must be a whole number from 1 to \(maxPageSize)"))
            }
        }
        if let text = parameters("offset") {
            if let offset = Int(text), offset >= 0 {
                query.offset = offset
            } else {
                problems.append(FieldProblem(field: "offset", code: "out_of_range", problem: "must be a whole number, 0 or more"))
            }
        }
        if let text = parameters("cursor") {
            if let id = MessageListCursor.decode(text) {
                query.olderThan = id
            } else {
                problems.append(FieldProblem(field: "cursor", code: "invalid_cursor", problem: "use the next_cursor of a previous page"))
            }
        }
        if let text = parameters("status") {
            for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if let status = MessageStatus(rawValue: name) {
                    query.statuses.insert(status)
                } else {
                    let known = MessageStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    problems.append(FieldProblem(field: "status", code: "unknown_status", problem: "unknown status '\(name)'; known: \(known)"))
                }
            }
        }
        query.channel = parameters("channel")
        query.recipient = parameters("recipient") ?? parameters("to")
        query.providerMessageID = parameters("provider_message_id")
        query.outletID = parameters("outlet_id")
        for (name, keyPath) in [("created_after", \MessageQuery.createdFrom), ("created_before", \MessageQuery.createdBefore)] {
            guard let text = parameters(name) else { continue }
            if let date = Timestamp.parse(text) {
                query[keyPath: keyPath] = date
            } else {
                problems.append(FieldProblem(field: name, code: "invalid_timestamp", problem: "must be an RFC 3339 time such as 2026-11-23T09:30:00Z"))
            }
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        self.query = query
    }
}

/// The opaque `cursor` of message lists: the last message id of a page, base64url-encoded.
enum MessageListCursor {
    static func encode(_ id: MessageID) -> String {
        Data(id.rawValue.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> MessageID? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return MessageID(parsing: String(decoding: data, as: UTF8.self))
    }
}
