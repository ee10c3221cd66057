import HeraldCore
import HeraldStore

/// `/api/v1/tenants/{tenant}/keys…` (admin key): create a key (its secret is shown once), list a
/// tenant's keys by prefix, revoke one.
extension APIHandler {
    func createKey(_ input: Operations.CreateKey.Input) async throws -> Operations.CreateKey.Output {
        try Caller.requireAdmin()
        let tenant = try await dependencies.tenant(id: input.path.tenant)
        var name: String?
        if case .json(let body)? = input.body { name = body.name }
        if let name {
            var problems = FieldProblem.characters(of: name, field: "name")
            if name.count > 200 { problems.append(FieldProblem(field: "name", code: "invalid_length", problem: "must be at most 200 characters")) }
            guard problems.isEmpty else { throw APIError.validation(problems) }
        }
        let (secret, record) = APIKeyAuthenticator.generateKey(for: tenant.id, name: name, now: dependencies.clock.now())
        try await dependencies.store.insertAPIKey(record)
        return .created(.init(body: .json(.init(record, secret: secret))))
    }

    /// Why the generated decoding refused a `createKey` body.
    static func explainCreateKey(_ bytes: [UInt8]) throws {
        var reader = FieldReader(object: try RequestDecoding.jsonObject(from: bytes))
        _ = reader.string("name")
        guard reader.problems.isEmpty else { throw APIError.validation(reader.problems) }
    }

    func listKeys(_ input: Operations.ListKeys.Input) async throws -> Operations.ListKeys.Output {
        try Caller.requireAdmin()
        let tenant = try await dependencies.tenant(id: input.path.tenant)
        let keys = try await dependencies.store.apiKeys(tenant: tenant.id)
        return .ok(.init(body: .json(.init(keys: keys.map { Components.Schemas.Key($0) }))))
    }

    func revokeKey(_ input: Operations.RevokeKey.Input) async throws -> Operations.RevokeKey.Output {
        .ok(.init(body: .json(try await revoke(input.path.key, tenant: input.path.tenant))))
    }

    func revokeKeyByPost(_ input: Operations.RevokeKeyByPost.Input) async throws -> Operations.RevokeKeyByPost.Output {
        .ok(.init(body: .json(try await revoke(input.path.key, tenant: input.path.tenant))))
    }

    private func revoke(_ keyID: String, tenant id: String) async throws -> Components.Responses.Revoked.Body.JsonPayload {
        try Caller.requireAdmin()
        let tenant = try await dependencies.tenant(id: id)
        guard try await dependencies.store.revokeAPIKey(id: keyID, tenant: tenant.id, now: dependencies.clock.now()) else {
            throw APIError.notFound("no active key \(keyID) for tenant \(tenant.id)")
        }
        return .init(id: keyID, status: .revoked)
    }
}

extension Components.Schemas.Key {
    /// A key by its prefix; `secret` only in the answer that created it.
    init(_ key: StoredAPIKey, secret: String? = nil) {
        self.init(
            id: key.id,
            tenantId: key.tenantID.rawValue,
            name: .init(key.name),
            prefix: key.prefix,
            key: secret,
            createdAt: key.createdAt,
            revokedAt: .init(key.revokedAt),
            status: key.revokedAt == nil ? .active : .revoked
        )
    }
}
