import HTTPTypes
import Hummingbird

/// Answers 413 `body_too_large` to a request whose `Content-Length` is above its route's limit
/// before a byte of its body is read, and closes the connection: a client declaring 2 GB is told
/// at once instead of being held while the server waits for bytes it will refuse anyway. The
/// limits are the routes' own: `app.max_batch_body_bytes` for the batch route, the callbacks'
/// own for provider callbacks, `app.max_body_bytes` for the rest.
struct DeclaredLengthMiddleware<Context: RequestContext>: RouterMiddleware {
    let limits: APILimits
    let callbackLimit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let declared = request.headers[.contentLength].flatMap(Int.init) else {
            return try await next(request, context)
        }
        let limit = limit(for: request.uri.path)
        guard declared > limit else { return try await next(request, context) }
        throw APIError.bodyTooLarge(limit: limit, declared: declared)
    }

    func limit(for path: String) -> Int {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        if trimmed == "/api/v1/messages/batch" { return limits.maxBatchBodyBytes }
        if trimmed.hasPrefix("/api/v1/callbacks/") { return callbackLimit }
        return limits.maxBodyBytes
    }
}
