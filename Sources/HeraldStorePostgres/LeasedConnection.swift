import Logging
import PostgresNIO

/// A pooled connection that never writes a statement to a closed socket.
///
/// PostgresNIO sends a statement by writing it to the channel without a write promise; once the
/// channel has closed, the write is dropped and the statement's own promise is never completed,
/// so its caller waits forever (vapor/postgres-nio#487, reverted in #501). The pool can hand out a
/// connection the server closed a moment ago (a restart), and a transaction's `ROLLBACK` follows
/// the very failure that closed it. Every statement Herald sends goes through here: a closed
/// connection throws ``ConnectionClosedError`` at once, which counts as a connection failure.
struct LeasedConnection: Sendable {
    let connection: PostgresConnection

    var isClosed: Bool { connection.isClosed }

    /// Runs one statement. The rows must be read before the next statement.
    @discardableResult
    func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        guard !connection.isClosed else { throw ConnectionClosedError() }
        return try await connection.query(query, logger: logger)
    }

    /// Runs `body` between `BEGIN` and `COMMIT`; rolls back when it throws, unless the connection
    /// is gone (the server has rolled back then).
    /// - Throws: ``TransactionBeginError`` when `BEGIN` failed (nothing ran, so the caller may
    ///   repeat it); else what `body` or `COMMIT` threw.
    func transaction<Value: Sendable>(logger: Logger, _ body: (LeasedConnection) async throws -> Value) async throws -> Value {
        do {
            try await query("BEGIN", logger: logger)
        } catch {
            throw TransactionBeginError(underlying: error)
        }
        let value: Value
        do {
            value = try await body(self)
        } catch {
            if !connection.isClosed { _ = try? await query("ROLLBACK", logger: logger) }
            throw error
        }
        try await query("COMMIT", logger: logger)
        return value
    }
}

/// The connection was closed before a statement could be sent on it; nothing was sent.
struct ConnectionClosedError: Error, CustomStringConvertible {
    var description: String { "the database connection is closed" }
}

/// A transaction's `BEGIN` failed, so none of it ran.
struct TransactionBeginError: Error, CustomStringConvertible {
    var underlying: any Error
    var description: String { "BEGIN failed: \(underlying)" }
}
