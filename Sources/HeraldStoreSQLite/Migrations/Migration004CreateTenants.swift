import GRDB

/// Tenants with their quota, key roles and labels, and per-period usage counters.
enum Migration004CreateTenants {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE tenants (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0,
                quota_limit INTEGER,
                quota_period TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            ) STRICT;

            ALTER TABLE api_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'tenant';
            ALTER TABLE api_keys ADD COLUMN name TEXT;
            CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);

            -- Messages accepted per tenant per calendar day and month (UTC), for quotas.
            CREATE TABLE quota_usage (
                tenant_id TEXT NOT NULL,
                period TEXT NOT NULL,
                period_start INTEGER NOT NULL,
                used INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, period, period_start)
            ) STRICT, WITHOUT ROWID;
            """)
    }
}
