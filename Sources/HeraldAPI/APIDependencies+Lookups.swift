import HeraldCore
import HeraldStore
import Hummingbird

extension APIDependencies {
    /// The tenant named by the `:tenant` path parameter.
    /// - Throws: ``APIError`` 404 when there is none.
    func tenant(in context: HeraldRequestContext) async throws -> Tenant {
        try await tenant(id: context.parameters.get("tenant") ?? "")
    }

    /// The tenant with id `text`.
    /// - Throws: ``APIError`` 404 when there is none.
    func tenant(id text: String) async throws -> Tenant {
        let id = TenantID(text)
        guard let tenant = try await store.tenant(id: id) else { throw APIError.notFound("no tenant \(id)") }
        return tenant
    }

    /// The message named by the `:id` path parameter, if it belongs to the caller's tenant
    /// (404 otherwise, so ids of other tenants do not leak).
    func message(in context: HeraldRequestContext) async throws -> Message {
        try await message(id: context.parameters.get("id") ?? "", tenant: context.requireTenant())
    }

    /// The message with id `text`, if it belongs to `tenant` (404 otherwise).
    func message(id text: String, tenant: TenantID) async throws -> Message {
        guard let id = MessageID(parsing: text), let message = try await store.message(id: id, tenant: tenant) else {
            throw APIError.notFound("no message \(text)")
        }
        return message
    }
}
