import Foundation
import HTTPTypes
import HeraldCore
import OpenAPIRuntime

/// Turns Herald's error answers (any status of 400 or more, in the one error shape
/// `{"error", "message", "details"}`) into ``HeraldClientError``s before the generated client
/// reads them, so the facade handles only what succeeded (and a batch's per-item refusals).
struct ErrorAnswerMiddleware: ClientMiddleware {
    /// The most of an error answer read.
    static let bodyLimit = 64 * 1024

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.code >= 400 else { return (response, responseBody) }
        var bytes: [UInt8] = []
        if let responseBody {
            bytes = (try? await [UInt8](collecting: responseBody, upTo: Self.bodyLimit)) ?? []
        }
        // A batch whose every item was refused answers 422 with the per-item results: the
        // facade reads those.
        if operationID == "createMessages", response.status.code == 422, JSONValue.decode(bytes)?["results"] != nil {
            return (response, HTTPBody(bytes))
        }
        throw Self.error(status: response.status.code, retryAfter: response.headerFields[.retryAfter], body: bytes)
    }

    /// The error an answer stands for.
    static func error(status: Int, retryAfter retryAfterText: String?, body: [UInt8]) -> HeraldClientError {
        let answer = JSONValue.decode(body)?.objectValue ?? [:]
        let code = answer["error"]?.stringValue ?? "http_\(status)"
        let message = answer["message"]?.stringValue ?? answer["error"]?.stringValue ?? String(decoding: body.prefix(200), as: UTF8.self)
        let retryAfter = retryAfterText.flatMap(Self.seconds)
        switch status {
        case 401: return .unauthorized(message: message)
        case 403: return .forbidden(message: message)
        case 404: return .notFound(message: message)
        case 409: return .conflict(code: code, message: message)
        case 422:
            let problems = (answer["details"]?.arrayValue ?? []).compactMap { detail -> FieldProblem? in
                guard let field = detail["field"]?.stringValue, let problemCode = detail["code"]?.stringValue else { return nil }
                return FieldProblem(field: field, code: problemCode, problem: detail["problem"]?.stringValue ?? "")
            }
            return .validation(problems.isEmpty ? [FieldProblem(field: "", code: code, problem: message)] : problems)
        case 429 where code == "quota_exceeded": return .quotaExceeded(retryAfter: retryAfter, message: message)
        case 429: return .rateLimited(retryAfter: retryAfter, message: message)
        case 503: return .unavailable(retryAfter: retryAfter, message: message)
        case 400, 413, 415: return .badRequest(status: status, code: code, message: message)
        default: return .unexpected(status: status, message: message)
        }
    }

    /// `Retry-After` as whole seconds (Herald sends seconds, never a date).
    static func seconds(_ text: String) -> Duration? {
        Int(text.trimmingCharacters(in: .whitespaces)).map { .seconds(max(0, $0)) }
    }
}
