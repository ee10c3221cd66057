import HeraldStore
import PostgresNIO

extension StoreError {
    /// Translates a PostgresNIO failure by its SQLSTATE class: a database that cannot be reached,
    /// is restarting, dropped the connection, ran out of resources (53) or cancelled the statement
    /// (57014) is ``StoreError/unavailable(_:)`` (the API answers 503 with `Retry-After`); a
    /// data exception (22) is ``StoreError/invalidData(_:)`` (422); an integrity constraint
    /// violation (23) is ``StoreError/conflict(_:)`` (409). Other PostgreSQL errors become a
    /// ``PostgresStatementError`` that says what failed, SQLSTATE included (500, logged);
    /// anything else is passed on unchanged.
    static func translating(_ error: any Error) -> any Error {
        switch error {
        case let error as StoreError:
            return error
        case let error as TransactionBeginError:
            return translating(error.underlying)
        case is ConnectionClosedError:
            return StoreError.unavailable("the database connection is closed")
        case let error as PSQLError:
            if isConnectionFailure(error) {
                return StoreError.unavailable("the database connection failed (\(error.code))")
            }
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            switch error.serverInfo?[.sqlState] {
            case let state? where state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") || state == "57014"
                || state == "40001" || state == "40P01":
                return StoreError.unavailable("the database is not accepting work (SQLSTATE \(state): \(message))")
            case let state? where state.hasPrefix("22"):
                return StoreError.invalidData("the database refused a value (SQLSTATE \(state): \(message))")
            case let state? where state.hasPrefix("23"):
                return StoreError.conflict("the database refused the change (SQLSTATE \(state): \(message))")
            default:
                return PostgresStatementError(error)
            }
        default:
            return error
        }
    }

    /// Whether the connection failed, or the server is shutting down or refusing connections,
    /// rather than the statement being wrong.
    static func isConnectionFailure(_ error: any Error) -> Bool {
        switch error {
        case is ConnectionClosedError:
            return true
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            default:
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("57P")
            }
        default:
            return false
        }
    }
}

/// A statement PostgreSQL refused, described for the log: SQLSTATE, the server's message and the
/// statement (PostgresNIO's own description hides them all).
struct PostgresStatementError: Error, CustomStringConvertible {
    var description: String

    init(_ error: PSQLError) {
        let state = error.serverInfo?[.sqlState] ?? "-"
        let message = error.serverInfo?[.message] ?? "\(error.code)"
        let statement = error.query.map { String($0.sql.prefix(200)) } ?? "-"
        description = "PostgreSQL error \(state): \(message) (in: \(statement))"
    }
}
