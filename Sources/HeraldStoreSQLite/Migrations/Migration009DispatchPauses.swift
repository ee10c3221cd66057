import GRDB

/// Stored pauses of dispatching: `*` for the whole server, else a tenant id.
enum Migration009DispatchPauses {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE dispatch_pauses (
                scope TEXT PRIMARY KEY,
                paused_at INTEGER NOT NULL
            ) WITHOUT ROWID
            """)
    }
}
