public import HeraldCore

/// Why a call to Herald did not succeed, by what the caller can do about it rather than by
/// status code. Each case keeps Herald's own words (`message`) for logs and people.
public enum HeraldClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key is missing, wrong, revoked, or its tenant is disabled (401).
    case unauthorized(message: String)
    /// The key may not do this: a tenant key on an admin route or the other way round (403).
    case forbidden(message: String)
    /// No such message, tenant or profile, or not the caller's (404).
    case notFound(message: String)
    /// The request clashes with what is stored: an idempotency key reused for another message,
    /// a message no longer in a state that allows the change (409). `code` says which.
    case conflict(code: String, message: String)
    /// The request was read but is not acceptable; each problem names its field (422).
    case validation([FieldProblem])
    /// The tenant's quota is used up until it resets, `retryAfter` from now (429).
    case quotaExceeded(retryAfter: Duration?, message: String)
    /// Too many requests for now (429, other than the quota).
    case rateLimited(retryAfter: Duration?, message: String)
    /// The server cannot take it now (its database does not answer); try again (503).
    case unavailable(retryAfter: Duration?, message: String)
    /// The request itself is malformed: bad JSON, too large, wrong content type (400, 413, 415).
    case badRequest(status: Int, code: String, message: String)
    /// No answer: the connection failed or timed out (`cannot reach Herald at URL (why)`).
    case transport(String)
    /// An answer this client does not know how to read.
    case unexpected(status: Int, message: String)

    /// Whether trying the same request again later can succeed.
    public var isRetryable: Bool {
        switch self {
        case .quotaExceeded, .rateLimited, .unavailable, .transport: true
        case .unexpected(let status, _): status >= 500
        case .unauthorized, .forbidden, .notFound, .conflict, .validation, .badRequest: false
        }
    }

    /// How long the server asked to wait, when it did.
    public var retryAfter: Duration? {
        switch self {
        case .quotaExceeded(let after, _), .rateLimited(let after, _), .unavailable(let after, _): after
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .unauthorized(let message), .forbidden(let message), .notFound(let message), .transport(let message): message
        case .conflict(let code, let message), .badRequest(_, let code, let message): "\(code): \(message)"
        case .validation(let problems): "validation failed: " + problems.map { "\($0.field): \($0.problem)" }.joined(separator: "; ")
        case .quotaExceeded(_, let message), .rateLimited(_, let message), .unavailable(_, let message): message
        case .unexpected(let status, let message): "HTTP \(status): \(message)"
        }
    }
}
