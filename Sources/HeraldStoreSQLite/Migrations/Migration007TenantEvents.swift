import GRDB

/// Status events for tenants: each message's kind (a client's message, or an event Herald
/// raised), listed by tenant and kind newest first; a tenant's events URL and signing secrets.
enum Migration007TenantEvents {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
            DROP INDEX messages_tenant_recent;
            CREATE INDEX messages_tenant_kind_recent ON messages (tenant_id, kind, id DESC);

            ALTER TABLE tenants ADD COLUMN events_url TEXT;
            ALTER TABLE tenants ADD COLUMN events_secret TEXT;
            ALTER TABLE tenants ADD COLUMN events_secret_previous TEXT;
            ALTER TABLE tenants ADD COLUMN events_secret_previous_expires_at INTEGER;
            """)
    }
}
