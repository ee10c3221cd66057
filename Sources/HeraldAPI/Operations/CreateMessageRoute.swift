import HTTPTypes
import Hummingbird
import HeraldCore

/// `POST /api/v1/messages`, the ingest hot path, served without the OpenAPI runtime's generic
/// conversion between HTTP and the generated types.
///
/// The operation is still the generated one: the request becomes the generated
/// `Operations.CreateMessage.Input`, ``APIHandler/createMessage(_:)`` handles it, and the
/// `Output` it returns is answered. Only the conversion is Herald's own — the body read by
/// ``JSONParser`` (``JSONRequestBody``), the answer written by ``JSONWriter`` — because the
/// runtime's cost a third of the single-message ingest throughput (`bench/compare-ingest.sh`).
struct CreateMessageRoute {
    /// How the router names this operation: the generated routes leave it out (``GeneratedRoutes``).
    static let operation = "POST /api/v1/messages"

    let handler: APIHandler
    let limit: Int

    @Sendable func respond(to request: Request, context: HeraldRequestContext) async throws -> Response {
        let input = Operations.CreateMessage.Input(
            headers: .init(idempotencyKey: request.headers[Self.idempotencyKey]),
            body: .json(CreateMessageBody(json: try await JSONRequestBody.read(request, limit: limit)))
        )
        switch try await handler.createMessage(input) {
        case .accepted(let answer): return Self.response(.accepted, answer)
        case .ok(let answer): return Self.response(.ok, answer)
        case let other: throw APIError.unexpectedOutput(other)
        }
    }

    private static func response(_ status: HTTPResponse.Status, _ answer: Components.Responses.Message) -> Response {
        switch answer.body {
        case .json(let message):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(1_024)
            message.write(into: &bytes)
            return JSONResponse.make(status: status, bytes: bytes)
        }
    }

    private static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
