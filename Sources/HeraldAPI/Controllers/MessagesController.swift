import HTTPTypes
import Hummingbird
import HeraldCore
import HeraldStore

/// `POST /api/v1/messages` and `GET /api/v1/messages`: accept one message, list them.
struct MessagesController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("messages", use: create)
        group.get("messages", use: list)
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await RequestDecoding.jsonObject(from: request, limit: dependencies.limits.maxBodyBytes)
        let headerKey = HTTPField.Name("idempotency-key").flatMap { request.headers[$0] }
        switch try await MessageIntake(dependencies: dependencies).accept(body, headerIdempotencyKey: headerKey, tenant: tenant) {
        case .created(let message):
            return JSONResponse.make(status: .accepted, json: MessageResponse.json(message))
        case .replayed(let message):
            return JSONResponse.make(status: .ok, json: MessageResponse.json(message))
        }
    }

    @Sendable func list(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = try MessageListRequest(request.uri.queryParameters, tenant: tenant, maxPageSize: dependencies.limits.maxPageSize).query
        let messages = try await dependencies.store.listMessages(query)
        let nextCursor: JSONValue = messages.count == query.limit
            ? messages.last.map { .string(MessageListCursor.encode($0.id)) } ?? .null
            : .null
        return JSONResponse.make(status: .ok, json: .object([
            "messages": .array(messages.map(MessageResponse.listItem)),
            "count": .number(Double(messages.count)),
            "limit": .number(Double(query.limit)),
            "offset": .number(Double(query.offset)),
            "next_cursor": nextCursor,
        ]))
    }
}
