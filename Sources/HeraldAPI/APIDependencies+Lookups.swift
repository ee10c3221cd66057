import HeraldCore
import HeraldStore

extension APIDependencies {
    /// The tenant with id `text`.
    /// - Throws: ``APIError`` 404 when there is none.
    func tenant(id text: String) async throws -> Tenant {
        let id = TenantID(text)
        guard let tenant = try await store.tenant(id: id) else { throw APIError.notFound("no tenant \(id)") }
        return tenant
    }

    /// The message with id `text`, if it belongs to `tenant` (404 otherwise, so ids of other
    /// tenants do not leak).
    func message(id text: String, tenant: TenantID) async throws -> Message {
        guard let id = MessageID(parsing: text), let message = try await store.message(id: id, tenant: tenant) else {
            throw APIError.notFound("no message \(text)")
        }
        return message
    }
}
