import GRDB

/// Lists a tenant's messages newest first (ids are time-ordered) without sorting.
enum Migration003IndexRecentMessages {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX messages_tenant_recent ON messages (tenant_id, id DESC)")
    }
}
