import Foundation
import HeraldCore

/// One delivery-log entry as the API shows it.
struct AttemptResponse: Encodable {
    let attempt: AttemptRecord

    enum CodingKeys: String, CodingKey {
        case id, number, startedAt = "started_at", durationMs = "duration_ms", httpStatus = "http_status"
        case outcome, error, responseExcerpt = "response_excerpt"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(attempt.id, forKey: .id)
        try c.encode(attempt.number, forKey: .number)
        try c.encode(Timestamp.format(attempt.startedAt), forKey: .startedAt)
        try c.encode(Int((attempt.duration.seconds * 1000).rounded()), forKey: .durationMs)
        try c.encode(attempt.httpStatus, forKey: .httpStatus)
        try c.encode(attempt.outcome, forKey: .outcome)
        try c.encode(attempt.error, forKey: .error)
        try c.encode(attempt.responseExcerpt, forKey: .responseExcerpt)
    }
}

/// `GET /api/v1/messages/{id}/attempts`.
struct AttemptListResponse: Encodable {
    var messageID: MessageID
    var attempts: [AttemptResponse]

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", attempts
    }
}
