import GRDB

/// Queue depth kept as counts by status, in the transaction that changes a status, so
/// `/metrics` reads a few rows instead of counting the table on every scrape: triggers for
/// status changes and deletions, the store itself for inserts (``SQLiteQueueDepthTally``, one
/// update per transaction instead of a trigger per row).
enum Migration011QueueDepth {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE message_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO message_counts (status, n) SELECT status, COUNT(*) FROM messages GROUP BY status;
            CREATE TRIGGER messages_count_update AFTER UPDATE OF status ON messages
                WHEN OLD.status IS NOT NEW.status BEGIN
                UPDATE message_counts SET n = n - 1 WHERE status = OLD.status;
                INSERT INTO message_counts (status, n) VALUES (NEW.status, 1)
                    ON CONFLICT (status) DO UPDATE SET n = n + 1;
            END;
            CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
                UPDATE message_counts SET n = n - 1 WHERE status = OLD.status;
            END;
            """)
    }
}
