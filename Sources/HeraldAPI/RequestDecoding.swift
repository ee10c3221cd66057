import Foundation
import HTTPTypes
import Hummingbird
import HeraldCore
import NIOCore

/// Reads a JSON request body within the size limit and turns decoding failures into precise
/// 4xx answers: 400 for malformed JSON (with where it broke), 422 naming the field for a wrong type.
enum RequestDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw APIError.unsupportedMediaType
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        }
        guard buffer.readableBytes > 0 else { throw APIError.invalidJSON("the request body is empty; send a JSON object") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw translate(error)
        }
    }

    static func translate(_ error: DecodingError) -> APIError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return .invalidJSON("the body is not valid JSON" + (detail.map { ": \($0)" } ?? ""))
        case .typeMismatch(let type, let context) where context.codingPath.isEmpty:
            return .invalidJSON("the body must be a JSON object, not \(describe(type))")
        case .typeMismatch(let type, let context):
            return .validation([FieldProblem(field: path(context.codingPath), code: "wrong_type", problem: "must be \(describe(type))")])
        case .valueNotFound(let type, let context):
            return .validation([FieldProblem(field: path(context.codingPath), code: "wrong_type", problem: "must be \(describe(type)), not null")])
        case .keyNotFound(let key, let context):
            return .validation([FieldProblem(field: path(context.codingPath + [key]), code: "missing", problem: "is required")])
        case .dataCorrupted(let context):
            return .validation([FieldProblem(field: path(context.codingPath), code: "invalid", problem: context.debugDescription)])
        @unknown default:
            return .invalidJSON("the body could not be read")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.reduce(into: "") { text, key in
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        case is [String: Any].Type, is JSONValue.Type: "a JSON value"
        default: "an object"
        }
    }
}
