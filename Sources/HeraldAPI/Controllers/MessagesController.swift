import HTTPTypes
import Hummingbird
import HeraldCore
import HeraldStore

/// `/api/v1/messages…`: accept a message, read it, read its delivery log.
struct MessagesController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("messages", use: create)
        group.get("messages/:id", use: show)
        group.get("messages/:id/attempts", use: attempts)
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

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let message = try await find(context)
        return JSONResponse.make(status: .ok, json: MessageResponse.json(message))
    }

    @Sendable func attempts(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let message = try await find(context)
        let attempts = try await dependencies.store.attempts(messageID: message.id)
        return JSONResponse.make(status: .ok, json: AttemptResponse.list(messageID: message.id, attempts: attempts))
    }

    /// The message named in the path, if it belongs to the caller's tenant (404 otherwise, so
    /// ids of other tenants do not leak).
    private func find(_ context: HeraldRequestContext) async throws -> Message {
        let tenant = try context.requireTenant()
        let text = context.parameters.get("id") ?? ""
        guard let id = MessageID(parsing: text),
              let message = try await dependencies.store.message(id: id, tenant: tenant)
        else { throw APIError.notFound("no message \(text)") }
        return message
    }
}
