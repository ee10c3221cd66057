import Hummingbird
import HeraldCore
import NIOCore

/// Reads the JSON body of a request on a route with its own conversion (``CreateMessageRoute``,
/// ``CreateMessagesRoute``) as ``RequestReadingMiddleware`` does for the generated routes.
enum JSONRequestBody {
    /// - Throws: ``APIError`` 415 for another media type, 413 above `limit`, 400 for an empty
    ///   body or one that is not JSON (saying where it broke).
    static func read(_ request: Request, limit: Int) async throws -> JSONValue {
        try requireJSON(contentType: request.headers[.contentType])
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        }
        return try RequestDecoding.json(from: bytes.readableBytesView)
    }

    /// A body is JSON when its `Content-Type` says so or is not given.
    /// - Throws: ``APIError`` 415 for another media type.
    static func requireJSON(contentType: String?) throws {
        if let contentType, !contentType.lowercased().hasPrefix("application/json") { throw APIError.unsupportedMediaType }
    }
}
