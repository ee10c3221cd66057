import HeraldStore
import Logging
import PostgresNIO

/// Applies the migrations a database has not run yet, in one transaction under an advisory
/// lock: processes that start together wait for the first, then find nothing left to do.
struct PostgresMigrator {
    var schema: String?
    var connections: ConnectionLease
    var logger: Logger

    func migrate() async throws {
        let schema = schema
        let logger = logger
        let applied = try await connections.transaction { connection in
            // First the lock, so processes starting together queue here, even to create the schema.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('herald.migrate.' || COALESCE(\(schema), current_schema())))", logger: logger
            )
            if let schema {
                // The name was checked to be a plain identifier.
                try await connection.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema)", logger: logger)
            }
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger: logger)
            let done = Set(try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                .collect().map { Int(try $0.decode(Int64.self)) })
            var applied: [String] = []
            for migration in PostgresMigrations.all where !done.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(Int64(migration.version)), \(migration.name))",
                    logger: logger
                )
                applied.append("\(migration.version)_\(migration.name)")
            }
            return applied
        }
        if !applied.isEmpty {
            logger.info("database migrated", metadata: ["applied": "\(applied.joined(separator: ", "))"])
        }
    }
}
