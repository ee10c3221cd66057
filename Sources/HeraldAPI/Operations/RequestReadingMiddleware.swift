import HTTPTypes
import OpenAPIRuntime

/// Reads requests for the generated interface the way the rest of the API does: 413 above the
/// body size limit, 415 for another media type, an empty body as none, `Accept` not consulted. When the generated
/// decoding then cannot read a request, it stops at the first problem with a bare 400; the
/// operation's own `explain` reader is run on the same request and body instead, to answer 400
/// with the JSON position or 422 listing every problem. A valid request is read once, by the
/// generated code.
struct RequestReadingMiddleware: ServerMiddleware {
    /// Throws the precise ``APIError`` for a request (its head and body) the generated decoding refused.
    typealias Explain = @Sendable (HTTPRequest, [UInt8]) throws -> Void

    let limit: Int
    /// By operation id.
    let explain: [String: Explain]

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var bytes: [UInt8] = []
        if let body { bytes = try await read(body) }
        if !bytes.isEmpty { try JSONRequestBody.requireJSON(contentType: request.headerFields[.contentType]) }
        // Every operation answers in the one media type the document gives it, as the rest of
        // the API does. Left in, an Accept the generated code cannot meet is found only after the
        // handler ran: a cancel or a new tenant would be done and then answered 406.
        var request = request
        request.headerFields[.accept] = nil
        do {
            return try await next(request, bytes.isEmpty ? nil : HTTPBody(bytes), metadata)
        } catch let error as ServerError where error.operationInput == nil && error.httpStatus.kind == .clientError {
            try explain[operationID]?(request, bytes)
            throw error
        }
    }

    private func read(_ body: HTTPBody) async throws -> [UInt8] {
        if case .known(let length) = body.length, length > limit { throw APIError.bodyTooLarge(limit: limit) }
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes += chunk
            if bytes.count > limit { throw APIError.bodyTooLarge(limit: limit) }
        }
        return bytes
    }
}
