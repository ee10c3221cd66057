import Foundation
import HeraldCore

/// The facade's types from the generated ones.
extension MessageStatusReport {
    init(_ report: Components.Schemas.MessageStatusReport) {
        self.init(
            messageID: report.messageId, status: MessageStatus(rawValue: report.status.rawValue) ?? .queued, attempts: report.attempts,
            providerMessageID: report.providerMessageId, failureReason: report.failureReason, lastError: report.lastError,
            nextAttemptAt: report.nextAttemptAt, sentAt: report.sentAt, deliveredAt: report.deliveredAt, readAt: report.readAt,
            failedAt: report.failedAt, cancelledAt: report.cancelledAt
        )
    }
}

extension AttemptInfo {
    init(_ attempt: Components.Schemas.Attempt) {
        self.init(
            id: attempt.id, number: attempt.number, startedAt: attempt.startedAt, duration: .milliseconds(attempt.durationMs),
            httpStatus: attempt.httpStatus, outcome: attempt.outcome.rawValue, error: attempt.error,
            responseExcerpt: attempt.responseExcerpt
        )
    }
}

extension BatchResult.Outcome {
    init(_ result: Components.Schemas.BatchResponse.ResultsPayloadPayload) {
        switch (result.status, result.message) {
        case (.accepted, let message?): self = .accepted(message)
        case (.existing, let message?): self = .existing(message)
        default:
            let error = result.error
            self = .rejected(.item(code: error?.error ?? "rejected", message: error?.message ?? "refused", details: error?.details))
        }
    }
}

extension HeraldClientError {
    /// The error one item of a batch was refused with (items carry no status of their own).
    static func item(code: String, message: String, details: [Components.Schemas._Error.DetailsPayloadPayload]?) -> HeraldClientError {
        switch code {
        case "quota_exceeded": return .quotaExceeded(retryAfter: nil, message: message)
        case "idempotency_conflict": return .conflict(code: code, message: message)
        default:
            let problems = (details ?? []).map { FieldProblem(field: $0.field, code: $0.code, problem: $0.problem) }
            return .validation(problems.isEmpty ? [FieldProblem(field: "", code: code, problem: message)] : problems)
        }
    }
}
