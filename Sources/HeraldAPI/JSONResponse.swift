import HTTPTypes
import Hummingbird
import HeraldCore
import NIOCore

/// Builds JSON answers; every body is a ``JSONValue`` written by ``JSONWriter`` (sorted keys).
enum JSONResponse {
    static func make(status: HTTPResponse.Status, json: JSONValue) -> Response {
        make(status: status, bytes: JSONWriter.bytes(json))
    }

    /// An answer whose JSON is already written.
    static func make(status: HTTPResponse.Status, bytes: [UInt8]) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
