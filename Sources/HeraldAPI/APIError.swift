import Foundation
public import HTTPTypes
public import Hummingbird
public import HeraldCore

/// An error answer of the API: one JSON shape everywhere,
/// `{"error": code, "message": text, "details": [{"field", "problem"}]}`.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// Stable snake_case code clients can branch on.
    public let code: String
    /// What went wrong, in words a person can act on.
    public let message: String
    public let details: [FieldProblem]
    public let headers: HTTPFields
    /// An upper-case `code` field some replaced services' clients read (`QUOTA_EXCEEDED`).
    public let compatibilityCode: String?

    public init(
        _ status: HTTPResponse.Status,
        code: String,
        message: String,
        details: [FieldProblem] = [],
        headers: HTTPFields = [:],
        compatibilityCode: String? = nil
    ) {
        self.compatibilityCode = compatibilityCode
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(status: status, json: json)
        for field in headers { response.headers.append(field) }
        return response
    }

    // MARK: The errors the API gives

    static func invalidJSON(_ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_json", message: message)
    }

    static func validation(_ problems: [FieldProblem]) -> APIError {
        APIError(
            .unprocessableContent, code: "validation_failed",
            message: problems.map { "\($0.field): \($0.problem)" }.joined(separator: "; "),
            details: problems
        )
    }

    static let unauthorized = APIError(
        .unauthorized, code: "unauthorized",
        message: "send a valid API key as 'Authorization: Bearer <key>'",
        headers: [.wwwAuthenticate: "Bearer"]
    )

    /// An unknown key on a route only the administrator may use: say which key it wants.
    static let unknownKeyOnAdminRoute = APIError(
        .unauthorized, code: "unauthorized",
        message: "this route needs the admin key, and the key sent is not one this server knows: use HERALD_ADMIN_KEY as it was set when herald serve started, or the admin key it printed at its first start",
        headers: [.wwwAuthenticate: "Bearer"]
    )

    static let tenantKeyNeeded = APIError(
        .forbidden, code: "tenant_key_required",
        message: "this route acts for a tenant: use one of the tenant's keys, not the admin key"
    )

    static let adminKeyNeeded = APIError(
        .forbidden, code: "admin_key_required", message: "managing tenants and keys needs the admin key"
    )

    static let metricsAccessNeeded = APIError(
        .forbidden, code: "admin_key_required",
        message: "reading /metrics needs the admin key, or a request from a network in metrics.allowed_networks"
    )

    /// With `Retry-After`: the seconds until the quota's period resets.
    static func quotaExceeded(_ quota: Quota, now: Date) -> APIError {
        let seconds = max(1, Int(quota.nextPeriodStart(after: now).timeIntervalSince(now).rounded(.up)))
        return APIError(
            .tooManyRequests, code: "quota_exceeded",
            message: "the tenant's quota of \(quota.limit) messages per \(quota.period.rawValue) is used up until \(Timestamp.format(quota.nextPeriodStart(after: now))); nothing was stored",
            headers: [.retryAfter: "\(seconds)"],
            compatibilityCode: "QUOTA_EXCEEDED"
        )
    }

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: what)
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "the request body is larger than the limit of \(limit) bytes")
    }

    /// A body declared larger than the limit: answered before it is read, and the connection
    /// closed (the unread body would otherwise have to be read and thrown away first).
    static func bodyTooLarge(limit: Int, declared: Int) -> APIError {
        APIError(
            .contentTooLarge, code: "body_too_large",
            message: "the request declares a body of \(declared) bytes, above this route's limit of \(limit) bytes; send less (split a batch), or raise the limit in the server's configuration",
            headers: [.connection: "close"]
        )
    }

    static let unsupportedMediaType = APIError(
        .unsupportedMediaType, code: "unsupported_media_type", message: "send the body as JSON with 'Content-Type: application/json'"
    )

    static let idempotencyConflict = APIError(
        .conflict, code: "idempotency_conflict",
        message: "this idempotency key was already used for a different message; use a new key or resend the same body"
    )

    /// The same error for one item of a batch: field paths prefixed with the item's place.
    func forBatchItem(_ index: Int) -> APIError {
        let prefix = "messages[\(index)]"
        return APIError(
            status, code: code, message: message,
            details: details.map { FieldProblem(field: $0.field.isEmpty ? prefix : prefix + "." + $0.field, code: $0.code, problem: $0.problem) },
            headers: headers, compatibilityCode: compatibilityCode
        )
    }

    /// The error as a JSON object, as the body of an error answer carries it.
    var json: JSONValue {
        var body: [String: JSONValue] = ["error": .string(code), "message": .string(message)]
        if let compatibilityCode { body["code"] = .string(compatibilityCode) }
        if !details.isEmpty {
            body["details"] = .array(details.map { .object(["field": .string($0.field), "code": .string($0.code), "problem": .string($0.problem)]) })
        }
        return .object(body)
    }

    /// The message's status does not allow the change asked for.
    static func invalidState(_ message: String) -> APIError {
        APIError(.conflict, code: "invalid_state", message: message)
    }

    /// Scheduler start/stop asked for the state it is already in. The text is the `error`
    /// value clients of the replaced dispatcher compare against.
    static func schedulerState(_ text: String, code: String) -> APIError {
        APIError(.badRequest, code: text, message: text, compatibilityCode: code)
    }

    /// A handler returned an answer its route does not write: handlers throw their errors (as
    /// ``APIError``) rather than return them, so this is a defect, answered 500 and logged.
    static func unexpectedOutput(_ output: some Sendable) -> APIError {
        APIError(.internalServerError, code: "internal_error", message: "unexpected answer \(output)")
    }

    /// The backlog is at `app.max_backlog`.
    static func backlogFull(waiting: Int, limit: Int) -> APIError {
        APIError(
            .serviceUnavailable, code: "backlog_full",
            message: "\(waiting) messages wait to be sent, as many as this server takes (app.max_backlog is \(limit)); nothing was stored, try again shortly",
            headers: [.retryAfter: "5"]
        )
    }

    static let storeBusy = APIError(
        .serviceUnavailable, code: "overloaded",
        message: "Herald is writing as fast as the database allows; nothing was stored, try again in a second",
        headers: [.retryAfter: "1"]
    )

    static let storeUnavailable = APIError(
        .serviceUnavailable, code: "store_unavailable",
        message: "the database is not answering; nothing was stored, try again shortly",
        headers: [.retryAfter: "1"]
    )
}
