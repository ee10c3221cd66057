public import Foundation
public import HeraldCore
public import HeraldStore
public import HeraldMetrics
public import Logging
import PostgresNIO
import Synchronization

/// The store for several Herald processes on one PostgreSQL database.
///
/// Claims use `FOR UPDATE SKIP LOCKED`, so concurrent dispatchers never wait on nor share a
/// message; enqueues and outcomes are group-committed as multi-row statements; a committed enqueue
/// `NOTIFY`s every process, whose ``workSignal`` then wakes its dispatcher.
///
/// The store needs ``run()`` running (its connection pool and notification listener) for as long
/// as it is used; ``withRunning(migrating:_:)`` scopes that:
///
/// ```swift
/// let store = PostgresStore(configuration: try PostgresConfiguration(url: url), logger: logger)
/// try await store.withRunning {
///     // … serve …
/// }
/// ```
public final class PostgresStore: HeraldStore {
    /// The `LISTEN/NOTIFY` channel that announces committed work.
    static let workChannel = "herald_work"

    public let configuration: PostgresConfiguration
    public let workSignal = WorkSignal()
    let client: PostgresClient
    let listening = Mutex(false)
    private let running = Mutex(false)
    let connections: ConnectionLease
    let logger: Logger
    /// Seals the secrets stored (profile settings, events secrets, settings); `nil` stores them
    /// as they are (the server always gives one: every process must hold the same key).
    let secrets: SecretBox?
    private let enqueueCommitter: GroupCommitter<EnqueueRequest, [EnqueueResult]>
    private let completionCommitter: GroupCommitter<[Completion], [Bool]>

    public init(configuration: PostgresConfiguration, secrets: SecretBox? = nil, metrics: HeraldMetrics = .off, logger: Logger) {
        self.secrets = secrets
        self.configuration = configuration
        self.logger = logger
        let client = PostgresClient(configuration: configuration.clientConfiguration(), backgroundLogger: logger)
        self.client = client
        let connections = ConnectionLease(client: client, acquireTimeout: configuration.acquireTimeout, logger: logger)
        self.connections = connections
        enqueueCommitter = GroupCommitter(
            window: configuration.groupCommitWindow,
            maxBatch: configuration.groupCommitMaxBatch,
            maxWaiting: configuration.maxPendingWrites,
            weight: { $0.messages.count },
            splits: Self.isRefusal,
            unreachable: { ($0 as? StoreError)?.isUnavailable == true },
            observe: { metrics.committed($0, writes: "enqueue") }
        ) { requests in
            try await connections.transaction { connection in
                try await PostgresEnqueue(requests: requests).run(on: connection, logger: logger)
            }
        }
        // Unbounded here: what waits is bounded by the dispatcher's concurrency (one record
        // per send in flight), and refusing a record would only send its message again.
        completionCommitter = GroupCommitter(
            window: configuration.groupCommitWindow,
            maxBatch: configuration.groupCommitMaxBatch,
            weight: { $0.count },
            splits: Self.isRefusal,
            observe: { metrics.committed($0, writes: "completion") }
        ) { batches in
            let completions = batches.flatMap { $0 }
            let applied = try await connections.transaction { connection in
                try await PostgresCompletion.record(completions, on: connection, logger: logger)
            }
            var offset = 0
            return batches.map { batch in
                defer { offset += batch.count }
                return Array(applied[offset..<offset + batch.count])
            }
        }
    }

    /// Whether a group commit that failed with `error` is worth retrying in halves: PostgreSQL
    /// answered and refused something in it (any statement error), rather than being
    /// unreachable, restarting or out of resources.
    @Sendable static func isRefusal(_ error: any Error) -> Bool {
        StoreError.isRefusal(error)
    }

    /// Runs the connection pool and the work-notification listener until the task is cancelled.
    public func run() async {
        running.withLock { $0 = true }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            group.addTask { await PostgresWorkListener(store: self).run() }
        }
    }

    /// Runs `body` while ``run()`` runs beside it, migrating first; stops the background work when
    /// `body` returns or throws.
    public func withRunning<T: Sendable>(migrating: Bool = true, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await self.run()
                return nil
            }
            defer { group.cancelAll() }
            if migrating { try await migrate() }
            return try await body()
        }
    }

    /// Whether this store is subscribed to other processes' work notifications right now.
    public var isListeningForWork: Bool { listening.withLock { $0 } }

    /// Brings the schema up to date; safe when several processes start at once.
    /// - Throws: ``StoreError`` when the database cannot be reached or a migration fails.
    public func migrate() async throws {
        // Usually called right after starting ``run()``: give it a moment to start the pool
        // rather than have PostgresNIO warn about a lease before its run.
        for _ in 0..<100 where !running.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(5))
        try await PostgresMigrator(schema: configuration.schema, connections: connections, logger: logger).migrate()
    }

    public func enqueue(_ messages: [Message], quota: Quota?) async throws -> [EnqueueResult] {
        guard !messages.isEmpty else { return [] }
        let results = try await enqueueCommitter.submit(EnqueueRequest(messages: messages, quota: quota))
        // Wake this process at once; the NOTIFY committed with the messages wakes the others.
        workSignal.signal()
        return results
    }

    public func message(id: MessageID, tenant: TenantID?) async throws -> Message? {
        let statement = tenant.map {
            PostgresQuery(unsafeSQL: PostgresMessageRow.select + " WHERE id = $1 AND tenant_id = $2", binds: Self.binds(id.rawValue, $0.rawValue))
        } ?? PostgresQuery(unsafeSQL: PostgresMessageRow.select + " WHERE id = $1", binds: Self.binds(id.rawValue))
        return try await query(statement).first.map(PostgresMessageRow.message)
    }

    public func listMessages(_ query: MessageQuery) async throws -> [Message] {
        try await self.query(PostgresMessageQuery.statement(for: query)).map(PostgresMessageRow.message)
    }

    public func countByStatus(tenant: TenantID?, kind: MessageKind) async throws -> [MessageStatus: Int] {
        let rows = try await query(
            tenant.map {
                PostgresQuery(
                    unsafeSQL: "SELECT status, COUNT(*) FROM messages WHERE tenant_id = $1 AND kind = $2 GROUP BY status",
                    binds: Self.binds($0.rawValue, kind.rawValue)
                )
            } ?? PostgresQuery(unsafeSQL: "SELECT status, COUNT(*) FROM messages WHERE kind = $1 GROUP BY status", binds: Self.binds(kind.rawValue))
        )
        return try rows.reduce(into: [:]) { counts, row in
            let (text, count) = try row.decode((String, Int64).self)
            guard let status = MessageStatus(rawValue: text) else { throw StoreError.corrupt("unknown status \(text)") }
            counts[status] = Int(count)
        }
    }

    public func attempts(messageID: MessageID) async throws -> [AttemptRecord] {
        try await query(PostgresQuery(
            unsafeSQL: "SELECT \(PostgresMessageRow.attemptColumns) FROM attempts WHERE message_id = $1 ORDER BY number, started_at",
            binds: Self.binds(messageID.rawValue)
        )).map(PostgresMessageRow.attempt)
    }

    public func claim(_ params: ClaimParams) async throws -> [Message] {
        guard params.limit > 0 else { return [] }
        return try await PostgresClaim(params: params).run(self).sorted(by: PostgresClaim.order)
    }

    public func complete(_ completions: [Completion]) async throws -> [Bool] {
        guard !completions.isEmpty else { return [] }
        return try await completionCommitter.submit(completions)
    }

    public func releaseLeases(_ leases: [MessageID: LeaseToken], now: Date) async throws -> Int {
        guard !leases.isEmpty else { return 0 }
        let held = Array(leases)
        let rows = try await query(PostgresQuery(
            unsafeSQL: """
                WITH released AS (
                    UPDATE messages AS m SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL,
                        next_attempt_at = $1, updated_at = $1, lease_expiries = 0
                    FROM unnest($2::text[], $3::text[], $4::int8[]) AS l(id, owner, version)
                    WHERE m.id = l.id AND m.status = 'sending' AND m.lease_owner = l.owner AND m.lease_version = l.version
                    RETURNING 1
                )
                SELECT COUNT(*) FROM released
                """,
            binds: Self.binds(now.millis, held.map(\.key.rawValue), held.map(\.value.owner), held.map(\.value.version))
        ))
        let count = try rows.first.map { Int(try $0.decode(Int64.self)) } ?? 0
        if count > 0 {
            try await notifyWork()
            workSignal.signal()
        }
        return count
    }

    public func cancel(id: MessageID, tenant: TenantID?, now: Date) async throws -> Message {
        try await update(id: id, tenant: tenant, notify: false) { message in
            try message.transition(to: .cancelled, at: now)
            message.cancelledAt = now
        }
    }

    public func retry(id: MessageID, tenant: TenantID?, now: Date) async throws -> Message {
        let message = try await update(id: id, tenant: tenant, notify: true) { message in
            try message.requeueForManualRetry(now: now)
        }
        workSignal.signal()
        return message
    }

    /// Tells every process's listener that work may be due.
    func notifyWork() async throws {
        _ = try await query("SELECT pg_notify('\(unescaped: Self.workChannel)', '')")
    }

    public func ping() async throws {
        _ = try await query("SELECT 1")
    }

    // MARK: - Statements

    /// Runs one statement and collects its rows; safe to repeat on a fresh connection.
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let logger = logger
        return try await connections.run(idempotent: true) { connection in
            try await connection.query(query, logger: logger).collect()
        }
    }

    /// Binds values in order.
    static func binds(_ values: any PostgresDynamicTypeEncodable...) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { bindings.append(value) }
        return bindings
    }

    /// Locks a message, applies a core life-cycle change, and writes it back, in one transaction.
    private func update(
        id: MessageID,
        tenant: TenantID?,
        notify: Bool,
        _ change: @escaping @Sendable (inout Message) throws -> Void
    ) async throws -> Message {
        let logger = logger
        return try await connections.transaction { connection in
            var bindings = Self.binds(id.rawValue)
            var sql = PostgresMessageRow.select + " WHERE id = $1"
            if let tenant {
                sql += " AND tenant_id = $2"
                bindings.append(tenant.rawValue)
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql + " FOR UPDATE", binds: bindings), logger: logger).collect()
            guard var message = try rows.first.map(PostgresMessageRow.message) else { throw StoreError.notFound }
            do {
                try change(&message)
            } catch let error as HeraldError {
                throw StoreError.illegalTransition(error)
            }
            var update = PostgresBindings(capacity: 11)
            update.append(message.status.rawValue)
            update.append(Int64(message.attempts))
            update.append(message.nextAttemptAt.millis)
            update.append(message.lease?.owner)
            update.append(message.lease?.expiresAt.millis)
            update.append(message.updatedAt.millis)
            update.append(message.failedAt?.millis)
            update.append(message.cancelledAt?.millis)
            update.append(message.notBefore?.millis)
            update.append(Int64(message.leaseExpiries))
            update.append(id.rawValue)
            try await connection.query(PostgresQuery(
                unsafeSQL: """
                    UPDATE messages SET status = $1, attempts = $2, next_attempt_at = $3, lease_owner = $4,
                        lease_expires_at = $5, updated_at = $6, failed_at = $7, cancelled_at = $8, not_before = $9,
                        lease_expiries = $10
                    WHERE id = $11
                    """,
                binds: update
            ), logger: logger)
            if notify {
                try await connection.query("SELECT pg_notify('\(unescaped: Self.workChannel)', '')", logger: logger)
            }
            return message
        }
    }
}
