public import Foundation
public import HeraldCore
public import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func insertAPIKey(_ key: StoredAPIKey) async throws {
        var bindings = PostgresBindings(capacity: 7)
        bindings.append(key.id)
        bindings.append(key.tenantID.rawValue)
        bindings.append(key.role.rawValue)
        bindings.append(key.name)
        bindings.append(key.prefix)
        bindings.append(key.hash)
        bindings.append(key.createdAt.millis)
        let insert = PostgresQuery(
            unsafeSQL: "INSERT INTO api_keys (id, tenant_id, role, name, prefix, hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            binds: bindings
        )
        let logger = logger
        _ = try await connections.run { connection in try await connection.query(insert, logger: logger).collect() }
    }

    public func apiKey(hash: String) async throws -> StoredAPIKey? {
        try await query(PostgresQuery(
            unsafeSQL: "SELECT \(Self.keyColumns) FROM api_keys WHERE hash = $1 AND revoked_at IS NULL",
            binds: Self.binds(hash)
        )).first.map(Self.apiKey)
    }

    public func apiKeyCount(role: StoredAPIKey.Role) async throws -> Int {
        let rows = try await query(PostgresQuery(
            unsafeSQL: "SELECT COUNT(*) FROM api_keys WHERE role = $1 AND revoked_at IS NULL",
            binds: Self.binds(role.rawValue)
        ))
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    public func apiKeys(tenant: TenantID) async throws -> [StoredAPIKey] {
        try await query(PostgresQuery(
            unsafeSQL: "SELECT \(Self.keyColumns) FROM api_keys WHERE tenant_id = $1 AND role = 'tenant' ORDER BY created_at, id",
            binds: Self.binds(tenant.rawValue)
        )).map(Self.apiKey)
    }

    public func revokeAPIKey(id: String, tenant: TenantID, now: Date) async throws -> Bool {
        let rows = try await query(PostgresQuery(
            unsafeSQL: "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND tenant_id = $3 AND revoked_at IS NULL RETURNING id",
            binds: Self.binds(now.millis, id, tenant.rawValue)
        ))
        return !rows.isEmpty
    }

    /// Settings hold secrets (the generated webhook signing secret): sealed.
    public func setting(_ name: String) async throws -> String? {
        try secrets.open(
            try await query(PostgresQuery(unsafeSQL: "SELECT value FROM settings WHERE name = $1", binds: Self.binds(name))).first?.decode(String.self)
        )
    }

    public func insertSettingIfAbsent(_ name: String, value: String) async throws -> String {
        // The no-op update makes RETURNING give the stored value when another process won.
        let rows = try await query(PostgresQuery(
            unsafeSQL: """
                INSERT INTO settings (name, value) VALUES ($1, $2)
                ON CONFLICT (name) DO UPDATE SET value = settings.value
                RETURNING value
                """,
            binds: Self.binds(name, secrets.seal(value))
        ))
        guard let stored = try rows.first?.decode(String.self) else { return value }
        return try secrets.open(stored)
    }

    private static let keyColumns = "id, tenant_id, role, name, prefix, hash, created_at, revoked_at"

    private static func apiKey(_ row: PostgresRow) throws -> StoredAPIKey {
        let (id, tenant, roleText, name, prefix, hash, createdAt, revokedAt) = try row.decode(
            (String, String, String, String?, String, String, Int64, Int64?).self
        )
        guard let role = StoredAPIKey.Role(rawValue: roleText) else { throw StoreError.corrupt("unknown key role \(roleText)") }
        return StoredAPIKey(
            id: id, tenantID: TenantID(tenant), role: role, name: name, prefix: prefix, hash: hash,
            createdAt: Date(millis: createdAt), revokedAt: Date(millis: revokedAt)
        )
    }
}
