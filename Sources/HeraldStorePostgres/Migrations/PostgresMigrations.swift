/// The PostgreSQL schema history, append-only. It mirrors the SQLite schema's shape; ids use the
/// `C` collation so they sort by bytes (ULIDs: creation order) whatever the database's locale.
enum PostgresMigrations {
    static let all: [PostgresMigration] = [
        PostgresMigration(version: 1, name: "create_messages", statements: [
            """
            CREATE TABLE messages (
                id TEXT COLLATE "C" PRIMARY KEY,
                tenant_id TEXT COLLATE "C" NOT NULL,
                channel TEXT NOT NULL,
                recipient TEXT,
                url TEXT,
                content TEXT,
                payload TEXT,
                metadata TEXT NOT NULL DEFAULT '{}',
                idempotency_key TEXT,
                fingerprint TEXT,
                priority BIGINT NOT NULL DEFAULT 0,
                status TEXT NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0,
                send_at BIGINT,
                next_attempt_at BIGINT NOT NULL,
                lease_owner TEXT,
                lease_expires_at BIGINT,
                provider_message_id TEXT,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                sent_at BIGINT,
                delivered_at BIGINT,
                read_at BIGINT,
                failed_at BIGINT,
                cancelled_at BIGINT
            )
            """,
            """
            CREATE UNIQUE INDEX messages_idempotency
                ON messages (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL
            """,
            // Claims walk these in order and stop at the batch size.
            """
            CREATE INDEX messages_pending
                ON messages (priority DESC, next_attempt_at) WHERE status IN ('scheduled', 'queued')
            """,
            """
            CREATE INDEX messages_leased
                ON messages (priority DESC, lease_expires_at) WHERE status = 'sending'
            """,
            // Returning a process's leases (shutdown, rescue of a gone process).
            "CREATE INDEX messages_lease_owner ON messages (lease_owner) WHERE status = 'sending'",
            "CREATE INDEX messages_tenant_recent ON messages (tenant_id, id DESC)",
            """
            CREATE TABLE attempts (
                id TEXT COLLATE "C" PRIMARY KEY,
                message_id TEXT COLLATE "C" NOT NULL,
                number BIGINT NOT NULL,
                started_at BIGINT NOT NULL,
                duration_ms BIGINT NOT NULL,
                http_status BIGINT,
                outcome TEXT NOT NULL,
                error TEXT,
                response_excerpt TEXT
            )
            """,
            "CREATE INDEX attempts_message ON attempts (message_id, number)",
        ]),
        PostgresMigration(version: 2, name: "create_tenants_and_credentials", statements: [
            """
            CREATE TABLE tenants (
                id TEXT COLLATE "C" PRIMARY KEY,
                name TEXT NOT NULL,
                disabled BOOLEAN NOT NULL DEFAULT false,
                quota_limit BIGINT,
                quota_period TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE api_keys (
                id TEXT COLLATE "C" PRIMARY KEY,
                tenant_id TEXT COLLATE "C" NOT NULL,
                role TEXT NOT NULL DEFAULT 'tenant',
                name TEXT,
                prefix TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at)",
            "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            // Messages accepted per tenant per calendar day and month (UTC), for quotas.
            """
            CREATE TABLE quota_usage (
                tenant_id TEXT COLLATE "C" NOT NULL,
                period TEXT NOT NULL,
                period_start BIGINT NOT NULL,
                used BIGINT NOT NULL,
                PRIMARY KEY (tenant_id, period, period_start)
            )
            """,
        ]),
        PostgresMigration(version: 3, name: "create_processes", statements: [
            // The live `herald serve` processes; heartbeats use the database's clock.
            """
            CREATE TABLE processes (
                id TEXT PRIMARY KEY,
                host TEXT NOT NULL,
                pid BIGINT NOT NULL,
                started_at BIGINT NOT NULL,
                heartbeat_at BIGINT NOT NULL
            )
            """,
        ]),
        PostgresMigration(version: 4, name: "create_profiles", statements: [
            """
            CREATE TABLE profiles (
                id TEXT COLLATE "C" PRIMARY KEY,
                tenant_id TEXT COLLATE "C" NOT NULL,
                name TEXT NOT NULL,
                channel TEXT NOT NULL,
                config TEXT NOT NULL,
                outlet_ids TEXT NOT NULL DEFAULT '[]',
                is_default BOOLEAN NOT NULL DEFAULT false,
                dry_run BOOLEAN NOT NULL DEFAULT false,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX profiles_name ON profiles (tenant_id, name)",
            "CREATE UNIQUE INDEX profiles_default ON profiles (tenant_id, channel) WHERE is_default",
            // An outlet is bound to at most one profile per channel.
            """
            CREATE TABLE profile_outlets (
                tenant_id TEXT COLLATE "C" NOT NULL,
                channel TEXT NOT NULL,
                outlet_id TEXT NOT NULL,
                profile_id TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (tenant_id, channel, outlet_id)
            )
            """,
            "CREATE INDEX profile_outlets_profile ON profile_outlets (profile_id)",
            "ALTER TABLE tenants ADD COLUMN default_channel TEXT",
            """
            ALTER TABLE messages
                ADD COLUMN profile_id TEXT COLLATE "C",
                ADD COLUMN outlet_id TEXT,
                ADD COLUMN dry_run BOOLEAN NOT NULL DEFAULT false,
                ADD COLUMN page TEXT,
                ADD COLUMN form TEXT,
                ADD COLUMN template TEXT,
                ADD COLUMN expires_at BIGINT,
                ADD COLUMN throttles BIGINT NOT NULL DEFAULT 0
            """,
            // Provider receipts find their message by the provider's id.
            """
            CREATE INDEX messages_provider_id ON messages (channel, provider_message_id)
                WHERE provider_message_id IS NOT NULL
            """,
            // Deleting a profile checks that no waiting message uses it.
            """
            CREATE INDEX messages_profile_waiting ON messages (profile_id)
                WHERE profile_id IS NOT NULL AND status IN ('scheduled', 'queued', 'sending')
            """,
            "CREATE INDEX messages_tenant_outlet ON messages (tenant_id, outlet_id, id DESC) WHERE outlet_id IS NOT NULL",
        ]),
        // Rate limits and receipts: see the SQLite migration 006 for what each part is for.
        PostgresMigration(version: 5, name: "throttling", statements: [
            """
            ALTER TABLE messages
                ADD COLUMN throttle_key TEXT COLLATE "C",
                ADD COLUMN not_before BIGINT,
                ADD COLUMN receipts TEXT
            """,
            """
            UPDATE messages SET throttle_key = 'profile:' || profile_id
                WHERE profile_id IS NOT NULL AND status IN ('scheduled', 'queued', 'sending')
            """,
            """
            CREATE INDEX messages_throttle_key ON messages (throttle_key, next_attempt_at)
                WHERE throttle_key IS NOT NULL AND status IN ('scheduled', 'queued')
            """,
            """
            CREATE TABLE recipient_pacing (
                pair TEXT COLLATE "C" PRIMARY KEY,
                tat BIGINT NOT NULL
            )
            """,
            "CREATE INDEX recipient_pacing_tat ON recipient_pacing (tat)",
            """
            CREATE TABLE pending_receipts (
                id BIGSERIAL PRIMARY KEY,
                channel TEXT NOT NULL,
                provider_message_id TEXT COLLATE "C" NOT NULL,
                status TEXT NOT NULL,
                at BIGINT NOT NULL,
                error_code TEXT,
                error_message TEXT,
                received_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX pending_receipts_provider_id ON pending_receipts (channel, provider_message_id)",
        ]),
        // Status events for tenants: see the SQLite migration 007.
        PostgresMigration(version: 6, name: "tenant_events", statements: [
            "ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message'",
            "DROP INDEX messages_tenant_recent",
            "CREATE INDEX messages_tenant_kind_recent ON messages (tenant_id, kind, id DESC)",
            """
            ALTER TABLE tenants
                ADD COLUMN events_url TEXT,
                ADD COLUMN events_secret TEXT,
                ADD COLUMN events_secret_previous TEXT,
                ADD COLUMN events_secret_previous_expires_at BIGINT
            """,
        ]),
        // Fenced leases: see the SQLite migration 008.
        PostgresMigration(version: 7, name: "lease_versions", statements: [
            "ALTER TABLE messages ADD COLUMN lease_version BIGINT NOT NULL DEFAULT 0",
        ]),
        // Stored pauses of dispatching: see the SQLite migration 009.
        PostgresMigration(version: 8, name: "dispatch_pauses", statements: [
            "CREATE TABLE dispatch_pauses (scope TEXT PRIMARY KEY, paused_at BIGINT NOT NULL)",
        ]),
        // Retention: see the SQLite migration 010.
        PostgresMigration(version: 9, name: "retention", statements: [
            "ALTER TABLE messages ADD COLUMN content_cleared_at BIGINT",
            """
            CREATE INDEX messages_retention ON messages (updated_at)
                WHERE content_cleared_at IS NULL AND status NOT IN ('scheduled', 'queued', 'sending')
            """,
        ]),
        // Queue depth by status, kept by statement triggers: see the SQLite migration 011. Each
        // backend adds to rows of its own (slot = its pid), so concurrent writers never wait
        // for one another on a counter; rows of backends that are gone are folded into slot 0.
        PostgresMigration(version: 10, name: "queue_depth", statements: [
            """
            CREATE TABLE message_counts (
                status TEXT NOT NULL, slot INTEGER NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (status, slot)
            )
            """,
            "INSERT INTO message_counts (status, slot, n) SELECT status, 0, COUNT(*) FROM messages GROUP BY status",
            """
            CREATE FUNCTION herald_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO message_counts (status, slot, n)
                    SELECT status, pg_backend_pid(), COUNT(*) FROM inserted GROUP BY status
                    ON CONFLICT (status, slot) DO UPDATE SET n = message_counts.n + EXCLUDED.n;
                RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION herald_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO message_counts (status, slot, n)
                    SELECT status, pg_backend_pid(), SUM(change) FROM (
                        SELECT status, -1 AS change FROM before_update
                        UNION ALL SELECT status, 1 FROM after_update
                    ) AS changes GROUP BY status HAVING SUM(change) <> 0
                    ON CONFLICT (status, slot) DO UPDATE SET n = message_counts.n + EXCLUDED.n;
                RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION herald_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO message_counts (status, slot, n)
                    SELECT status, pg_backend_pid(), -COUNT(*) FROM deleted GROUP BY status
                    ON CONFLICT (status, slot) DO UPDATE SET n = message_counts.n + EXCLUDED.n;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER messages_count_insert AFTER INSERT ON messages
                REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION herald_count_inserted()
            """,
            """
            CREATE TRIGGER messages_count_update AFTER UPDATE ON messages
                REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update
                FOR EACH STATEMENT EXECUTE FUNCTION herald_count_updated()
            """,
            """
            CREATE TRIGGER messages_count_delete AFTER DELETE ON messages
                REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION herald_count_deleted()
            """,
        ]),
        // Receipts bound to the credentials that verified them: see the SQLite migration 012.
        PostgresMigration(version: 11, name: "receipt_senders", statements: [
            "ALTER TABLE pending_receipts ADD COLUMN sender TEXT, ADD COLUMN profile_ids TEXT[] NOT NULL DEFAULT '{}'",
        ]),
        // Poison messages: see the SQLite migration 013.
        PostgresMigration(version: 12, name: "lease_expiries", statements: [
            "ALTER TABLE messages ADD COLUMN lease_expiries BIGINT NOT NULL DEFAULT 0",
        ]),
        // Fairness between tenants: see the SQLite migration 014. A destination is the URL's
        // scheme and authority without user info, lower-cased (``Destination``).
        PostgresMigration(version: 13, name: "tenant_fairness", statements: [
            "ALTER TABLE tenants ADD COLUMN weight BIGINT NOT NULL DEFAULT 1",
            "ALTER TABLE messages ADD COLUMN destination TEXT",
            """
            UPDATE messages
            SET destination = lower(regexp_replace(substring(url from '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*'), '://.*@', '://'))
            WHERE url IS NOT NULL AND status IN ('scheduled', 'queued', 'sending')
            """,
            """
            CREATE INDEX messages_tenant_pending
                ON messages (tenant_id, priority DESC, next_attempt_at) WHERE status IN ('queued', 'scheduled')
            """,
            "DROP INDEX messages_pending",
        ]),
        // Tenants' own webhook secrets: see the SQLite migration 015.
        PostgresMigration(version: 14, name: "tenant_webhook_secrets", statements: [
            """
            ALTER TABLE tenants
                ADD COLUMN webhook_secret TEXT,
                ADD COLUMN webhook_secret_previous TEXT,
                ADD COLUMN webhook_secret_previous_expires_at BIGINT,
                ADD COLUMN webhook_signed_with_server_secret BOOLEAN NOT NULL DEFAULT false
            """,
        ]),
    ]
}
