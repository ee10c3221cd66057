import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds JSON answers with one encoder configuration for the whole API.
enum JSONResponse {
    static func make(status: HTTPResponse.Status, body: some Encodable) -> Response {
        // Encoding our own DTOs cannot fail; an empty object is a safe fallback all the same.
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
