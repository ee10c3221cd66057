import GRDB

/// Sender profiles, tenants' default channel, the message fields that choose and shape a provider send (profile, outlet,
/// dry run, bailout page and form, template, expiry, throttles), and the index receipts look
/// messages up by (channel, provider message id).
enum Migration005CreateProfiles {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE profiles (
                id TEXT PRIMARY KEY NOT NULL,
                tenant_id TEXT NOT NULL,
                name TEXT NOT NULL,
                channel TEXT NOT NULL,
                config TEXT NOT NULL,
                outlet_ids TEXT NOT NULL DEFAULT '[]',
                is_default INTEGER NOT NULL DEFAULT 0,
                dry_run INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            ) STRICT;
            CREATE UNIQUE INDEX profiles_name ON profiles (tenant_id, name);
            CREATE UNIQUE INDEX profiles_default ON profiles (tenant_id, channel) WHERE is_default = 1;

            -- An outlet is bound to at most one profile per channel.
            CREATE TABLE profile_outlets (
                tenant_id TEXT NOT NULL,
                channel TEXT NOT NULL,
                outlet_id TEXT NOT NULL,
                profile_id TEXT NOT NULL,
                PRIMARY KEY (tenant_id, channel, outlet_id)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX profile_outlets_profile ON profile_outlets (profile_id);

            ALTER TABLE tenants ADD COLUMN default_channel TEXT;
            ALTER TABLE messages ADD COLUMN profile_id TEXT;
            ALTER TABLE messages ADD COLUMN outlet_id TEXT;
            ALTER TABLE messages ADD COLUMN dry_run INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE messages ADD COLUMN page TEXT;
            ALTER TABLE messages ADD COLUMN form TEXT;
            ALTER TABLE messages ADD COLUMN template TEXT;
            ALTER TABLE messages ADD COLUMN expires_at INTEGER;
            ALTER TABLE messages ADD COLUMN throttles INTEGER NOT NULL DEFAULT 0;

            -- Provider receipts find their message by the provider's id.
            CREATE INDEX messages_provider_id ON messages (channel, provider_message_id)
                WHERE provider_message_id IS NOT NULL;
            -- Deleting a profile checks that no waiting message uses it.
            CREATE INDEX messages_profile_waiting ON messages (profile_id)
                WHERE profile_id IS NOT NULL AND status IN ('scheduled', 'queued', 'sending');
            CREATE INDEX messages_tenant_outlet ON messages (tenant_id, outlet_id, id DESC) WHERE outlet_id IS NOT NULL;
            """)
    }
}
