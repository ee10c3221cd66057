import Foundation
import HeraldCore

/// One delivery-log entry as the API shows it.
enum AttemptResponse {
    static func json(_ attempt: AttemptRecord) -> JSONValue {
        .object([
            "id": .string(attempt.id.rawValue),
            "number": .number(Double(attempt.number)),
            "started_at": .timestamp(attempt.startedAt),
            "duration_ms": .number((attempt.duration.seconds * 1000).rounded()),
            "http_status": attempt.httpStatus.map { .number(Double($0)) } ?? .null,
            "outcome": .string(attempt.outcome.rawValue),
            "error": .optional(attempt.error),
            "response_excerpt": .optional(attempt.responseExcerpt),
        ])
    }

    /// `GET /api/v1/messages/{id}/attempts`.
    static func list(messageID: MessageID, attempts: [AttemptRecord]) -> JSONValue {
        .object(["message_id": .string(messageID.rawValue), "attempts": .array(attempts.map(json))])
    }
}
