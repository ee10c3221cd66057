import GRDB

/// Poison messages: how many times in a row a message's lease expired with nothing recorded
/// under it, so one that kills or hangs the process ends `failed` instead of being claimed for ever.
enum Migration013LeaseExpiries {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE messages ADD COLUMN lease_expiries INTEGER NOT NULL DEFAULT 0")
    }
}
