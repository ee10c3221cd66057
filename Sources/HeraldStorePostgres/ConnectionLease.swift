import HeraldStore
import Logging
import PostgresNIO
import Synchronization

/// Borrows pooled connections with a bounded wait. PostgresNIO's pool queues a request for as
/// long as the database is unreachable; Herald would rather answer 503 at once. The bound covers
/// only the wait for a connection: once a statement is sent it runs to its end, so a timeout
/// never hides a write that went through.
struct ConnectionLease: Sendable {
    let client: PostgresClient
    let acquireTimeout: Duration
    let logger: Logger

    private enum Stage {
        case waiting, running, expired
    }

    /// Which of the connection and the timer came first; shared by the two racing tasks.
    private final class Race: Sendable {
        private let stage = Mutex(Stage.waiting)

        /// Moves from waiting to `next`; false when the other side got there first.
        func settle(_ next: Stage) -> Bool {
            stage.withLock { stage in
                guard stage == .waiting else { return false }
                stage = next
                return true
            }
        }
    }

    private enum Outcome<Value: Sendable>: Sendable {
        case value(Value)
        case expired
        case timerIdle
    }

    /// What one lease gave: the body's value, or a connection that was already closed.
    private enum Leased<Value: Sendable>: Sendable {
        case value(Value)
        case closed
    }

    /// Runs `body` on a connection. A pooled connection can be dead (the database restarted);
    /// the attempt is repeated once on a fresh one when that cannot repeat an effect: `body` is
    /// `idempotent`, or its transaction failed at `BEGIN`.
    /// - Throws: ``StoreError`` for unreachable databases and unique violations; what `body` threw otherwise.
    func run<Value: Sendable>(
        idempotent: Bool = false,
        _ body: @escaping @Sendable (LeasedConnection) async throws -> Value
    ) async throws -> Value {
        do {
            return try await once(body)
        } catch where Self.failedAtBegin(error) || (idempotent && Self.isRetryable(error)) {
            logger.debug("retrying on a fresh connection", metadata: ["error": "\(error)"])
            do {
                return try await once(body)
            } catch {
                throw StoreError.translating(error)
            }
        } catch {
            throw StoreError.translating(error)
        }
    }

    /// Runs `body` in a transaction, committed when it returns.
    func transaction<Value: Sendable>(
        _ body: @escaping @Sendable (LeasedConnection) async throws -> Value
    ) async throws -> Value {
        let logger = logger
        return try await run { connection in
            try await connection.transaction(logger: logger) { connection in try await body(connection) }
        }
    }

    private static func failedAtBegin(_ error: any Error) -> Bool {
        guard let error = error as? TransactionBeginError else { return false }
        return StoreError.isConnectionFailure(error.underlying)
    }

    /// A dead or refused connection; not a connection that never came (that would double the wait).
    private static func isRetryable(_ error: any Error) -> Bool {
        StoreError.isConnectionFailure(error)
    }

    private func once<Value: Sendable>(
        _ body: @escaping @Sendable (LeasedConnection) async throws -> Value
    ) async throws -> Value {
        let race = Race()
        let client = client
        let timeout = acquireTimeout
        return try await withThrowingTaskGroup(of: Outcome<Value>.self) { group in
            group.addTask {
                while true {
                    let leased = try await client.withConnection { connection -> Leased<Value> in
                        // The pool can hand over a connection the server has just closed, before
                        // it hears of the close; a statement written to it would never be answered
                        // (PostgresNIO drops the write and its promise; vapor/postgres-nio#487).
                        // Give it back and take another, within the same wait.
                        guard !connection.isClosed else { return .closed }
                        guard race.settle(.running) else { throw CancellationError() }
                        return .value(try await body(LeasedConnection(connection: connection)))
                    }
                    switch leased {
                    case .value(let value): return Outcome<Value>.value(value)
                    case .closed:
                        try Task.checkCancellation()
                        await Task.yield()
                    }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return race.settle(.expired) ? .expired : .timerIdle
            }
            while let outcome = try await group.next() {
                switch outcome {
                case .value(let value):
                    group.cancelAll()
                    return value
                case .expired:
                    group.cancelAll()
                    throw StoreError.unavailable("no database connection within \(timeout)")
                case .timerIdle:
                    continue
                }
            }
            throw CancellationError()
        }
    }
}
