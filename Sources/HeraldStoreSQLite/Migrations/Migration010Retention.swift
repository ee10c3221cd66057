import GRDB

/// Retention: when a finished message's content was cleared, and the index that finds the
/// finished messages not cleared yet, oldest change first.
enum Migration010Retention {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE messages ADD COLUMN content_cleared_at INTEGER;
            CREATE INDEX messages_retention ON messages (updated_at)
                WHERE content_cleared_at IS NULL AND status NOT IN ('scheduled', 'queued', 'sending');
            """)
    }
}
