import GRDB
import HeraldCore
public import HeraldStore

extension SQLiteStore {
    public func insertAPIKey(_ key: StoredAPIKey) async throws {
        try await Self.write(pool) { db in
            try db.execute(
                sql: "INSERT INTO api_keys (id, tenant_id, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.id, key.tenantID.rawValue, key.prefix, key.hash, key.createdAt.millis]
            )
        }
    }

    public func apiKey(hash: String) async throws -> StoredAPIKey? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL"),
                arguments: [hash]
            ).map { row in
                StoredAPIKey(
                    id: row["id"], tenantID: TenantID(row["tenant_id"]), prefix: row["prefix"],
                    hash: row["hash"], createdAt: .init(millis: row["created_at"] as Int64)
                )
            }
        }
    }

    public func apiKeyCount() async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL") ?? 0
        }
    }

    public func setting(_ name: String) async throws -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) }
    }

    public func insertSettingIfAbsent(_ name: String, value: String) async throws -> String {
        try await Self.write(pool) { db in
            try db.execute(sql: "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", arguments: [name, value])
            return try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) ?? value
        }
    }
}
