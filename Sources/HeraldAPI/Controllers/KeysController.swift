import Foundation
import Hummingbird
import HeraldCore
import HeraldStore

/// `POST /api/v1/tenants/{id}/keys` (admin key): create a key; its secret is shown once.
struct KeysController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("tenants/:tenant/keys", use: create)
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try context.requireAdmin()
        let tenant = try await dependencies.tenant(in: context)
        var name: String?
        if let body = try await RequestDecoding.optionalJSONObject(from: request, limit: dependencies.limits.maxBodyBytes) {
            var reader = FieldReader(object: body)
            name = reader.string("name")
            if let name, name.count > 200 {
                throw APIError.validation([FieldProblem(field: "name", code: "invalid_length", problem: "must be at most 200 characters")])
            }
            guard reader.problems.isEmpty else { throw APIError.validation(reader.problems) }
        }
        let (secret, record) = APIKeyAuthenticator.generateKey(for: tenant.id, name: name, now: dependencies.clock.now())
        try await dependencies.store.insertAPIKey(record)
        return JSONResponse.make(status: .created, json: TenantResponse.key(record, secret: secret))
    }
}
