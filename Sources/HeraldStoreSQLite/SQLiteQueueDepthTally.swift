import GRDB
import HeraldCore

/// The messages one transaction inserted, by status, written to `message_counts` once at its
/// end: a row trigger per insert cost a quarter of batch ingest (each insert ran the trigger's
/// program), while status changes, one row update each, keep their triggers (migration 011).
struct SQLiteQueueDepthTally {
    private var inserted: [MessageStatus: Int] = [:]

    mutating func count(_ status: MessageStatus) {
        inserted[status, default: 0] += 1
    }

    func save(_ db: Database) throws {
        for (status, count) in inserted {
            try Self.add(count, to: status, db)
        }
    }

    static func add(_ count: Int, to status: MessageStatus, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO message_counts (status, n) VALUES (?, ?) ON CONFLICT (status) DO UPDATE SET n = n + excluded.n
            """).execute(arguments: [status.rawValue, count])
    }
}
