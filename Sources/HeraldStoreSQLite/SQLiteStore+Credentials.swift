public import Foundation
import GRDB
public import HeraldCore
public import HeraldStore

extension SQLiteStore {
    public func insertAPIKey(_ key: StoredAPIKey) async throws {
        try await Self.write(pool) { db in
            try db.execute(
                sql: "INSERT INTO api_keys (id, tenant_id, role, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [key.id, key.tenantID.rawValue, key.role.rawValue, key.name, key.prefix, key.hash, key.createdAt.millis]
            )
        }
    }

    public func apiKey(hash: String) async throws -> StoredAPIKey? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.keyColumns) FROM api_keys WHERE hash = ? AND revoked_at IS NULL"),
                arguments: [hash]
            ).map(Self.apiKey)
        }
    }

    public func apiKeyCount(role: StoredAPIKey.Role) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys WHERE role = ? AND revoked_at IS NULL", arguments: [role.rawValue]) ?? 0
        }
    }

    public func apiKeys(tenant: TenantID) async throws -> [StoredAPIKey] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.keyColumns) FROM api_keys WHERE tenant_id = ? AND role = 'tenant' ORDER BY created_at, id",
                arguments: [tenant.rawValue]
            ).map(Self.apiKey)
        }
    }

    public func revokeAPIKey(id: String, tenant: TenantID, now: Date) async throws -> Bool {
        try await Self.write(pool) { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL",
                arguments: [now.millis, id, tenant.rawValue]
            )
            return db.changesCount > 0
        }
    }

    /// Settings hold secrets (the generated webhook signing secret): sealed.
    public func setting(_ name: String) async throws -> String? {
        let stored = try await read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) }
        return try secrets.open(stored)
    }

    public func insertSettingIfAbsent(_ name: String, value: String) async throws -> String {
        let sealed = secrets.seal(value)
        let stored = try await Self.write(pool) { db in
            try db.execute(sql: "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", arguments: [name, sealed])
            return try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) ?? sealed
        }
        return try secrets.open(stored)
    }

    private static let keyColumns = "id, tenant_id, role, name, prefix, hash, created_at, revoked_at"

    private static func apiKey(_ row: Row) throws -> StoredAPIKey {
        let roleText: String = row[2]
        guard let role = StoredAPIKey.Role(rawValue: roleText) else { throw StoreError.corrupt("unknown key role \(roleText)") }
        return StoredAPIKey(
            id: row[0], tenantID: TenantID(row[1]), role: role, name: row[3], prefix: row[4], hash: row[5],
            createdAt: Date(millis: row[6] as Int64), revokedAt: Date(millis: row[7] as Int64?)
        )
    }
}
