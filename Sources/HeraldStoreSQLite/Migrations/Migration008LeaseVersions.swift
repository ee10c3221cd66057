import GRDB

/// Fenced leases: each claim takes the message's next lease version, and a result recorded
/// under an older one is refused.
enum Migration008LeaseVersions {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE messages ADD COLUMN lease_version INTEGER NOT NULL DEFAULT 0")
    }
}
