import GRDB

/// API key digests and the settings Herald generates for itself (such as a signing secret).
enum Migration002CreateCredentials {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY NOT NULL,
                tenant_id TEXT NOT NULL,
                prefix TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            ) STRICT;

            CREATE TABLE settings (
                name TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            ) STRICT;
            """)
    }
}
