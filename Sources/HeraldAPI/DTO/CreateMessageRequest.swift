import Foundation
import HeraldCore

/// The body of `POST /api/v1/messages`. Every field is optional here; ``MessageIntake`` decides
/// what is required, so each problem gets its own field-level answer.
struct CreateMessageRequest: Decodable, Sendable {
    var channel: String?
    var to: String?
    var url: String?
    var content: String?
    var payload: JSONValue?
    var metadata: JSONValue?
    var idempotencyKey: String?
    var sendAt: String?
    var priority: Int?

    enum CodingKeys: String, CodingKey {
        case channel, to, url, content, payload, metadata, priority
        case idempotencyKey = "idempotency_key"
        case sendAt = "send_at"
    }
}
