import HTTPTypes
import Hummingbird
import HeraldCore
import NIOCore

/// Reads a JSON request body within the size limit: 415 for another media type, 413 above the
/// limit, 400 for malformed JSON (saying where it broke) or a body that is not an object.
enum RequestDecoding {
    static func jsonObject(from request: Request, limit: Int) async throws -> [String: JSONValue] {
        guard let object = try await json(from: request, limit: limit).objectValue else {
            throw APIError.invalidJSON("the body must be a JSON object")
        }
        return object
    }

    /// A JSON object, or `nil` for an empty body (for routes whose body is optional).
    static func optionalJSONObject(from request: Request, limit: Int) async throws -> [String: JSONValue]? {
        guard let value = try await json(from: request, limit: limit, allowEmpty: true) else { return nil }
        guard let object = value.objectValue else { throw APIError.invalidJSON("the body must be a JSON object") }
        return object
    }

    /// Any JSON value, with the same checks.
    static func json(from request: Request, limit: Int) async throws -> JSONValue {
        // With `allowEmpty: false` an empty body throws, so there is always a value.
        try await json(from: request, limit: limit, allowEmpty: false) ?? .null
    }

    private static func json(from request: Request, limit: Int, allowEmpty: Bool) async throws -> JSONValue? {
        if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw APIError.unsupportedMediaType
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        }
        guard buffer.readableBytes > 0 else {
            if allowEmpty { return nil }
            throw APIError.invalidJSON("the request body is empty; send a JSON object")
        }
        return try parse(buffer.readableBytesView)
    }

    /// A JSON object from a body already read.
    /// - Throws: ``APIError`` 400 saying where the JSON broke, or that it is not an object.
    static func jsonObject(from bytes: some Collection<UInt8>) throws -> [String: JSONValue] {
        guard let object = try parse(bytes).objectValue else { throw APIError.invalidJSON("the body must be a JSON object") }
        return object
    }

    private static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw APIError.invalidJSON("the body is not valid JSON: \(error.description)")
        }
    }
}
