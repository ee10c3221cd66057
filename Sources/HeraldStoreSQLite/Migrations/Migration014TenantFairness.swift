import GRDB
import HeraldCore

/// Fairness between tenants: each tenant's `weight`; each message's `destination` (the scheme
/// and authority of its URL, so a claim takes no more of one receiver's messages than it has
/// room for), filled in for messages still to be sent; and the index claims walk, one tenant at
/// a time, in claim order. The index of the single queue it replaces goes.
enum Migration014TenantFairness {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE tenants ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE messages ADD COLUMN destination TEXT;
            CREATE INDEX messages_tenant_pending
                ON messages (tenant_id, priority DESC, next_attempt_at) WHERE status IN ('scheduled', 'queued');
            DROP INDEX messages_pending;
            """)
        let waiting = try Row.fetchAll(db, sql: """
            SELECT id, url FROM messages WHERE url IS NOT NULL AND status IN ('scheduled', 'queued', 'sending')
            """)
        let update = try db.makeStatement(sql: "UPDATE messages SET destination = ? WHERE id = ?")
        for row in waiting {
            let url: String = row[1]
            guard let destination = Destination.of(url: url) else { continue }
            try update.execute(arguments: [destination, row[0] as String])
        }
    }
}
