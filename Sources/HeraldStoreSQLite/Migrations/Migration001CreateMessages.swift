import GRDB

/// Messages and their attempt log. Times are milliseconds since 1970 (integers sort and index fast).
enum Migration001CreateMessages {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE messages (
                id TEXT PRIMARY KEY NOT NULL,
                tenant_id TEXT NOT NULL,
                channel TEXT NOT NULL,
                recipient TEXT,
                url TEXT,
                content TEXT,
                payload TEXT,
                metadata TEXT NOT NULL DEFAULT '{}',
                idempotency_key TEXT,
                fingerprint TEXT,
                priority INTEGER NOT NULL DEFAULT 0,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                send_at INTEGER,
                next_attempt_at INTEGER NOT NULL,
                lease_owner TEXT,
                lease_expires_at INTEGER,
                provider_message_id TEXT,
                last_error TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                sent_at INTEGER,
                delivered_at INTEGER,
                read_at INTEGER,
                failed_at INTEGER,
                cancelled_at INTEGER
            ) STRICT;

            CREATE UNIQUE INDEX messages_idempotency
                ON messages (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

            -- Claims walk these in order and stop at the batch size.
            CREATE INDEX messages_pending
                ON messages (priority DESC, next_attempt_at) WHERE status IN ('scheduled', 'queued');
            CREATE INDEX messages_leased
                ON messages (priority DESC, lease_expires_at) WHERE status = 'sending';

            CREATE TABLE attempts (
                id TEXT PRIMARY KEY NOT NULL,
                message_id TEXT NOT NULL,
                number INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                duration_ms INTEGER NOT NULL,
                http_status INTEGER,
                outcome TEXT NOT NULL,
                error TEXT,
                response_excerpt TEXT
            ) STRICT;

            CREATE INDEX attempts_message ON attempts (message_id, number);
            """)
    }
}
