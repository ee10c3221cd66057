import HTTPTypes
import Hummingbird
import HeraldCore
import HeraldStore

/// `POST /api/v1/messages`: accept one message.
struct MessagesController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("messages", use: create)
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let tenant = try Caller.requireTenant()
        let body = try await RequestDecoding.jsonObject(from: request, limit: dependencies.limits.maxBodyBytes)
        let headerKey = HTTPField.Name("idempotency-key").flatMap { request.headers[$0] }
        switch try await MessageIntake(dependencies: dependencies).accept(body, headerIdempotencyKey: headerKey, tenant: tenant) {
        case .created(let message):
            return JSONResponse.make(status: .accepted, json: MessageResponse.json(message))
        case .replayed(let message):
            return JSONResponse.make(status: .ok, json: MessageResponse.json(message))
        }
    }
}
