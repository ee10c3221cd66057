import HeraldCore
import HeraldStore
public import Logging
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// Makes the `herald serve` processes on one database know each other.
///
/// Each registers in the `processes` table and heartbeats every ``interval`` (on the database's
/// clock, so the processes' own clocks need not agree). A process whose heartbeat is older than
/// ``timeout`` is gone: the first live process to notice removes it and expires its leases at
/// once, so its messages are claimed again without waiting out the lease. On graceful shutdown
/// a process removes itself.
///
/// ``liveProcessCount`` is the seam for limits shared across processes: a global rate limit is
/// divided among the live processes.
///
/// A process cannot know when the others give up on it, only when it last told them it is
/// alive: ``membership`` is `nil` once its last successful heartbeat began ``timeout`` ago (a
/// stall, a lost database), so its dispatcher sends nothing more, and a new epoch once it has
/// heartbeated again, so nothing claimed before the lapse is sent after it.
public final class PostgresProcessRegistry: Service {
    private struct Membership {
        /// When the last successful heartbeat began.
        var lastBeat: ContinuousClock.Instant?
        var epoch = 0
    }

    /// This process's id; the same as its dispatcher's lease owner, which is how its leases are found.
    public let processID: String
    public let interval: Duration
    public let timeout: Duration
    private let store: PostgresStore
    private let host: String
    private let pid: Int64
    private let logger: Logger
    private let live = Mutex(1)
    private let state = Mutex(Membership())

    public init(store: PostgresStore, processID: String, host: String, pid: Int, interval: Duration, timeout: Duration, logger: Logger) {
        self.store = store
        self.processID = processID
        self.host = host
        self.pid = Int64(pid)
        self.interval = interval
        self.timeout = timeout
        self.logger = logger
    }

    /// The processes that heartbeated within ``timeout`` at the last beat, this one included.
    public var liveProcessCount: Int { live.withLock { $0 } }

    /// This process's membership now: its epoch while its last successful heartbeat began less
    /// than ``timeout`` ago, else `nil` (the others may have expired its leases). The epoch
    /// changes when a heartbeat succeeds after such a lapse.
    public var membership: Int? {
        state.withLock { state in
            guard let last = state.lastBeat, ContinuousClock.now - last < timeout else { return nil }
            return state.epoch
        }
    }

    public func run() async throws {
        logger.info("joining the cluster", metadata: ["process": "\(processID)"])
        await beat()
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.interval)
                await self.beat()
            }
        }
        do {
            _ = try await store.query(PostgresQuery(unsafeSQL: "DELETE FROM processes WHERE id = $1", binds: PostgresStore.binds(processID)))
        } catch {
            logger.warning("could not leave the cluster; the others will notice the missing heartbeat", metadata: ["error": "\(error)"])
        }
    }

    /// One heartbeat (``run()`` beats every ``interval``): records this process as live, then
    /// removes gone processes and expires their leases. Failures are logged and retried at the
    /// next beat: the database may be restarting.
    public func beat() async {
        let started = ContinuousClock.now
        do {
            try await heartbeat()
            let renewed = state.withLock { state in
                defer { state.lastBeat = started }
                guard let last = state.lastBeat, started - last >= timeout else { return false }
                state.epoch += 1
                return true
            }
            if renewed {
                logger.warning("registered again after a lapse longer than database.process_timeout; messages claimed before it are put back, not sent")
            }
            let (gone, rescued, live) = try await removeGoneProcesses()
            self.live.withLock { $0 = max(1, live) }
            if gone > 0 {
                logger.warning(
                    "processes stopped heartbeating; their leases are expired for the others to take",
                    metadata: ["gone": "\(gone)", "rescued_messages": "\(rescued)"]
                )
            }
            if rescued > 0 {
                try await store.notifyWork()
                store.workSignal.signal()
            }
        } catch {
            logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
        }
    }

    private static let databaseNow = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    private func heartbeat() async throws {
        _ = try await store.query(PostgresQuery(
            unsafeSQL: """
                INSERT INTO processes (id, host, pid, started_at, heartbeat_at)
                VALUES ($1, $2, $3, \(Self.databaseNow), \(Self.databaseNow))
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at
                """,
            binds: PostgresStore.binds(processID, host, pid)
        ))
    }

    /// - Returns: processes removed, messages whose lease was expired, processes still live.
    private func removeGoneProcesses() async throws -> (Int, Int, Int) {
        let rows = try await store.query(PostgresQuery(
            unsafeSQL: """
                WITH gone AS (
                    DELETE FROM processes WHERE heartbeat_at < \(Self.databaseNow) - $1 RETURNING id
                ), rescued AS (
                    UPDATE messages SET lease_expires_at = 0
                    WHERE status = 'sending' AND lease_owner IN (SELECT id FROM gone)
                    RETURNING 1
                )
                SELECT (SELECT COUNT(*) FROM gone), (SELECT COUNT(*) FROM rescued), (SELECT COUNT(*) FROM processes)
                """,
            binds: PostgresStore.binds(Int64(timeout.seconds * 1000))
        ))
        guard let row = rows.first else { return (0, 0, 1) }
        let (gone, rescued, total) = try row.decode((Int64, Int64, Int64).self)
        return (Int(gone), Int(rescued), Int(total - gone))
    }
}
