import Foundation
import Hummingbird
import HeraldCore
import HeraldStore

/// `/api/v1/tenants/{id}/keys…` (admin key): create a key (its secret is shown once), list keys
/// by prefix, revoke one.
struct KeysController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("tenants/:tenant/keys", use: create)
        group.get("tenants/:tenant/keys", use: list)
        group.delete("tenants/:tenant/keys/:key", use: revoke)
        group.post("tenants/:tenant/keys/:key/revoke", use: revoke)
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

    @Sendable func list(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try context.requireAdmin()
        let tenant = try await dependencies.tenant(in: context)
        let keys = try await dependencies.store.apiKeys(tenant: tenant.id)
        return JSONResponse.make(status: .ok, json: .object(["keys": .array(keys.map { TenantResponse.key($0) })]))
    }

    @Sendable func revoke(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try context.requireAdmin()
        let tenant = try await dependencies.tenant(in: context)
        let keyID = context.parameters.get("key") ?? ""
        guard try await dependencies.store.revokeAPIKey(id: keyID, tenant: tenant.id, now: dependencies.clock.now()) else {
            throw APIError.notFound("no active key \(keyID) for tenant \(tenant.id)")
        }
        return JSONResponse.make(status: .ok, json: .object(["id": .string(keyID), "status": .string("revoked")]))
    }
}
