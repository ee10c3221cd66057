import HTTPTypes
import Hummingbird
import HeraldCore
import NIOCore

/// `POST /api/v1/messages/batch`, the bulk ingest path, served like ``CreateMessageRoute``: the
/// generated `Operations.CreateMessages.Input` built from Herald's JSON parser, handled by
/// ``APIHandler/createMessages(_:)``, its generated `Output` written by Herald's JSON writer
/// (the runtime's conversion cost a quarter of batch throughput). Its body limit is the batch's
/// own, `maxBatchBodyBytes`.
struct CreateMessagesRoute {
    /// How the router names this operation: the generated routes leave it out (``GeneratedRoutes``).
    static let operation = "POST /api/v1/messages/batch"

    let handler: APIHandler
    let limit: Int

    @Sendable func respond(to request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await JSONRequestBody.read(request, limit: limit)
        let input = Operations.CreateMessages.Input(body: .json(try Self.batch(body)))
        switch try await handler.createMessages(input) {
        case .accepted(let answer): return Self.response(.accepted, answer)
        case .ok(let answer): return Self.response(.ok, answer)
        case .unprocessableContent(let answer):
            switch answer.body {
            case .json(.BatchResponse(let batch)): return JSONResponse.make(status: .unprocessableContent, bytes: batch.jsonBytes)
            case .json(._Error(let error)): return JSONResponse.make(status: .unprocessableContent, json: error.json)
            }
        case let other: throw APIError.unexpectedOutput(other)
        }
    }

    /// The body as one of the two shapes the document allows: `{"messages": [...]}` or a bare array.
    /// - Throws: ``APIError`` 400 for another JSON value, 422 for an object without a `messages` array.
    static func batch(_ body: JSONValue) throws -> Operations.CreateMessages.Input.Body.JsonPayload {
        switch body {
        case .array(let items):
            return .MessageCreateList(items.map(CreateMessageBody.init(json:)))
        case .object(let object):
            guard case .array(let items)? = object["messages"] else {
                throw APIError.validation([FieldProblem(field: "messages", code: "missing", problem: "must be an array of messages")])
            }
            return .BatchRequest(.init(messages: items.map(CreateMessageBody.init(json:))))
        default:
            throw APIError.invalidJSON("the body must be {\"messages\": [...]} or an array of messages")
        }
    }

    private static func response(_ status: HTTPResponse.Status, _ answer: Components.Responses.Batch) -> Response {
        switch answer.body {
        case .json(let batch): JSONResponse.make(status: status, bytes: batch.jsonBytes)
        }
    }
}
