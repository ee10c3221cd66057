import GRDB

/// Every tenant's webhooks signed with a secret of its own (sealed, like the other secrets), the
/// one its last rotation replaced, and whether the server's secret still signs beside it (a
/// tenant made before this migration: the server gives it its secret at start).
enum Migration015TenantWebhookSecrets {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE tenants ADD COLUMN webhook_secret TEXT;
            ALTER TABLE tenants ADD COLUMN webhook_secret_previous TEXT;
            ALTER TABLE tenants ADD COLUMN webhook_secret_previous_expires_at INTEGER;
            ALTER TABLE tenants ADD COLUMN webhook_signed_with_server_secret INTEGER NOT NULL DEFAULT 0;
            """)
    }
}
