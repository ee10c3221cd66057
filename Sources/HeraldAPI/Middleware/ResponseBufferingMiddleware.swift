import Hummingbird
import NIOCore

/// Sends each answer of known length in one write instead of three.
///
/// The OpenAPI transport hands Hummingbird every answer as a streamed body, even though the
/// generated code has already encoded it in memory; Hummingbird then writes the head, the body and
/// the end separately, each its own trip to the event loop and its own system call. An answer of
/// known length is collected here into one buffer, which Hummingbird sends with its head and end
/// in a single write. Bodies of unknown length stream as before. It wraps the generated routes
/// only: other answers already are single buffers.
struct ResponseBufferingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard let length = response.body.contentLength else { return response }
        let collected = CollectedBody(capacity: length)
        try await response.body.write(CollectingBodyWriter(into: collected))
        response.body = ResponseBody(byteBuffer: collected.buffer)
        return response
    }
}

/// Where ``CollectingBodyWriter`` puts what it is given (the writer itself is consumed by the body).
private final class CollectedBody {
    var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }
}

/// A body writer that keeps what is written instead of sending it.
private struct CollectingBodyWriter: ResponseBodyWriter {
    let collected: CollectedBody

    init(into collected: CollectedBody) {
        self.collected = collected
    }

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        collected.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
