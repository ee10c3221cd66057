import GRDB

/// Rate limits and receipts: each message's throttle key (what its sending rate is counted
/// against, so a claim can leave out empty buckets) and its "not before" (a turn held while it
/// waits for a rate limit, not an attempt); the per sender-and-recipient spacing; the provider
/// receipts kept with each message; and receipts that arrived before their message was known.
enum Migration006Throttling {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE messages ADD COLUMN throttle_key TEXT;
            ALTER TABLE messages ADD COLUMN not_before INTEGER;
            ALTER TABLE messages ADD COLUMN receipts TEXT;
            UPDATE messages SET throttle_key = 'profile:' || profile_id
                WHERE profile_id IS NOT NULL AND status IN ('scheduled', 'queued', 'sending');
            CREATE INDEX messages_throttle_key ON messages (throttle_key, next_attempt_at)
                WHERE throttle_key IS NOT NULL AND status IN ('scheduled', 'queued');

            -- GCRA: the theoretical arrival time of the next send from a sender to a recipient.
            CREATE TABLE recipient_pacing (
                pair TEXT PRIMARY KEY NOT NULL,
                tat INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX recipient_pacing_tat ON recipient_pacing (tat);

            CREATE TABLE pending_receipts (
                id INTEGER PRIMARY KEY,
                channel TEXT NOT NULL,
                provider_message_id TEXT NOT NULL,
                status TEXT NOT NULL,
                at INTEGER NOT NULL,
                error_code TEXT,
                error_message TEXT,
                received_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX pending_receipts_provider_id ON pending_receipts (channel, provider_message_id);
            """)
    }
}
