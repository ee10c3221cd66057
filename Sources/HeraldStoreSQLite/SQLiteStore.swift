public import Foundation
import GRDB
public import HeraldCore
public import HeraldStore
public import HeraldMetrics

/// The default store: one SQLite file in WAL mode, written through GRDB's `DatabasePool`.
///
/// Concurrent enqueues and completions are coalesced into shared transactions (group commit),
/// so the default `synchronous=FULL` — every accepted message on disk before "accepted" — costs
/// one fsync per batch rather than one per message.
///
/// ```swift
/// let store = try SQLiteStore(configuration: .init(path: "herald.sqlite"))
/// try store.migrate()
/// ```
public final class SQLiteStore: HeraldStore {
    let pool: DatabasePool
    /// Seals the secrets stored (profile settings, events secrets, settings); `nil` stores them
    /// as they are (the server always gives one).
    let secrets: SecretBox?
    public let workSignal = WorkSignal()
    private let enqueueCommitter: GroupCommitter<PreparedEnqueue, [EnqueueResult]>
    private let completionCommitter: GroupCommitter<[Completion], [Bool]>

    /// Opens (creating if needed) the database file. Call ``migrate()`` before use.
    /// - Throws: ``StoreError/unavailable(_:)`` when the file cannot be opened.
    public init(configuration: SQLiteConfiguration, secrets: SecretBox? = nil, metrics: HeraldMetrics = .off) throws {
        self.secrets = secrets
        var config = Configuration()
        config.busyMode = .timeout(configuration.busyTimeout.seconds)
        let synchronous = configuration.durability.rawValue.uppercased()
        do {
            pool = try DatabasePool(path: configuration.path, configuration: config)
            // Set on the single writer connection after the pool switched it to WAL, which
            // resets `synchronous` to SQLite's WAL default (NORMAL) on this platform.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        } catch {
            throw StoreError(translating: error)
        }
        let pool = pool
        enqueueCommitter = GroupCommitter(
            window: configuration.groupCommitWindow,
            maxBatch: configuration.groupCommitMaxBatch,
            maxWaiting: configuration.maxPendingWrites,
            weight: { $0.request.messages.count },
            splits: Self.isRefusal,
            unreachable: { ($0 as? StoreError)?.isUnavailable == true },
            observe: { metrics.committed($0, writes: "enqueue") }
        ) { requests in
            try await Self.write(pool) { db in
                var usage = SQLiteQuotaUsage()
                var depth = SQLiteQueueDepthTally()
                let results = try requests.map { try Self.insert($0, usage: &usage, depth: &depth, db) }
                try usage.save(db)
                try depth.save(db)
                return results
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
        ) { requests in
            try await Self.write(pool) { db in try requests.map { try Self.record($0, db) } }
        }
    }

    /// Whether a group commit that failed with `error` is worth retrying in halves: SQLite
    /// refused something in it, rather than being unable to write at all.
    @Sendable static func isRefusal(_ error: any Error) -> Bool {
        (error as? StoreError)?.isRefusal ?? false
    }

    /// Runs the migrations this file has not run yet.
    /// - Throws: ``StoreError`` when the schema cannot be brought up to date.
    public func migrate() throws {
        do {
            try SQLiteMigrations.migrator.migrate(pool)
        } catch {
            throw StoreError(translating: error)
        }
    }

    public func enqueue(_ messages: [Message], quota: Quota?) async throws -> [EnqueueResult] {
        guard !messages.isEmpty else { return [] }
        // The rows' arguments (their JSON written out) are built here, on the caller's task,
        // so the one writer only binds and steps.
        let results = try await enqueueCommitter.submit(PreparedEnqueue(EnqueueRequest(messages: messages, quota: quota)))
        workSignal.signal()
        return results
    }

    public func message(id: MessageID, tenant: TenantID?) async throws -> Message? {
        try await read { db in try Self.fetchMessage(id: id, tenant: tenant, db) }
    }

    public func listMessages(_ query: MessageQuery) async throws -> [Message] {
        let (sql, arguments) = SQLiteMessageQuery.statement(for: query)
        return try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(MessageRow.message)
        }
    }

    public func countByStatus(tenant: TenantID?, kind: MessageKind) async throws -> [MessageStatus: Int] {
        try await read { db in
            let rows: [Row]
            if let tenant {
                rows = try Row.fetchAll(
                    db, sql: "SELECT status, COUNT(*) FROM messages WHERE tenant_id = ? AND kind = ? GROUP BY status",
                    arguments: [tenant.rawValue, kind.rawValue]
                )
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM messages WHERE kind = ? GROUP BY status", arguments: [kind.rawValue])
            }
            return try rows.reduce(into: [:]) { counts, row in
                let text: String = row[0]
                guard let status = MessageStatus(rawValue: text) else { throw StoreError.corrupt("unknown status \(text)") }
                counts[status] = row[1]
            }
        }
    }

    public func attempts(messageID: MessageID) async throws -> [AttemptRecord] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM attempts WHERE message_id = ? ORDER BY number, started_at"),
                arguments: [messageID.rawValue]
            ).map(MessageRow.attempt)
        }
    }

    public func claim(_ params: ClaimParams) async throws -> [Message] {
        guard params.limit > 0 else { return [] }
        let claimed = try await Self.write(pool) { db in try SQLiteClaim(params: params).run(db) }
        return claimed.sorted(by: SQLiteClaim.order)
    }

    public func complete(_ completions: [Completion]) async throws -> [Bool] {
        guard !completions.isEmpty else { return [] }
        let results = try await completionCommitter.submit(completions)
        if completions.contains(where: { $0.event != nil }) { workSignal.signal() }
        return results
    }

    public func releaseLeases(_ leases: [MessageID: LeaseToken], now: Date) async throws -> Int {
        guard !leases.isEmpty else { return 0 }
        let count = try await Self.write(pool) { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE messages SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL,
                    next_attempt_at = ?, updated_at = ?, lease_expiries = 0
                WHERE id = ? AND status = 'sending' AND lease_owner = ? AND lease_version = ?
                """)
            var count = 0
            for (id, token) in leases {
                try statement.execute(arguments: [now.millis, now.millis, id.rawValue, token.owner, token.version])
                count += db.changesCount
            }
            return count
        }
        if count > 0 { workSignal.signal() }
        return count
    }

    public func cancel(id: MessageID, tenant: TenantID?, now: Date) async throws -> Message {
        try await update(id: id, tenant: tenant) { message in
            try message.transition(to: .cancelled, at: now)
            message.cancelledAt = now
        }
    }

    public func retry(id: MessageID, tenant: TenantID?, now: Date) async throws -> Message {
        let message = try await update(id: id, tenant: tenant) { message in
            try message.requeueForManualRetry(now: now)
        }
        workSignal.signal()
        return message
    }

    public func ping() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    // MARK: - Transactions

    /// Reads in a snapshot, translating GRDB errors.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError(translating: error)
        }
    }

    /// Writes in one transaction, translating GRDB errors.
    static func write<T: Sendable>(
        _ pool: DatabasePool,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw StoreError(translating: error)
        }
    }

    /// Reads a message, applies a core life-cycle change, and writes it back, in one transaction.
    private func update(
        id: MessageID,
        tenant: TenantID?,
        _ change: @escaping @Sendable (inout Message) throws -> Void
    ) async throws -> Message {
        try await Self.write(pool) { db in
            guard var message = try Self.fetchMessage(id: id, tenant: tenant, db) else { throw StoreError.notFound }
            let before = message.status
            do {
                try change(&message)
            } catch let error as HeraldError {
                throw StoreError.illegalTransition(error)
            }
            try db.execute(
                sql: """
                    UPDATE messages SET status = ?, attempts = ?, next_attempt_at = ?, lease_owner = ?,
                        lease_expires_at = ?, updated_at = ?, failed_at = ?, cancelled_at = ?, not_before = ?, lease_expiries = ?
                    WHERE id = ? AND status = ?
                    """,
                arguments: [
                    message.status.rawValue, message.attempts, message.nextAttemptAt.millis, message.lease?.owner,
                    message.lease?.expiresAt.millis, message.updatedAt.millis, message.failedAt?.millis,
                    message.cancelledAt?.millis, message.notBefore?.millis, message.leaseExpiries, id.rawValue, before.rawValue,
                ]
            )
            return message
        }
    }

    // MARK: - Statements

    static func fetchMessage(id: MessageID, tenant: TenantID?, _ db: Database) throws -> Message? {
        let row: Row?
        if let tenant {
            row = try Row.fetchOne(
                db.cachedStatement(sql: MessageRow.select + " WHERE id = ? AND tenant_id = ?"),
                arguments: [id.rawValue, tenant.rawValue]
            )
        } else {
            row = try Row.fetchOne(db.cachedStatement(sql: MessageRow.select + " WHERE id = ?"), arguments: [id.rawValue])
        }
        return try row.map(MessageRow.message)
    }

    private static func insert(
        _ prepared: PreparedEnqueue, usage: inout SQLiteQuotaUsage, depth: inout SQLiteQueueDepthTally, _ db: Database
    ) throws -> [EnqueueResult] {
        let statement = try db.cachedStatement(sql: MessageRow.insertSQL)
        let request = prepared.request
        return try zip(request.messages, prepared.arguments).map { message, arguments in
            if let quota = request.quota,
               try usage.used(message.tenantID, quota.period, quota.periodStart(containing: message.createdAt), db) >= quota.limit {
                // Over quota: only a replay of an existing message is still answered.
                return try existing(message, db).map(EnqueueResult.existing) ?? .quotaExceeded
            }
            try statement.execute(arguments: arguments)
            if db.changesCount > 0 {
                depth.count(message.status)
                // Events use no quota.
                if message.kind == .message { try usage.count(message, db) }
                return .created(message)
            }
            // The tenant already used this idempotency key: answer with the original.
            guard let original = try existing(message, db) else {
                throw StoreError.corrupt("insert of \(message.id) changed nothing")
            }
            return .existing(original)
        }
    }

    private static func existing(_ message: Message, _ db: Database) throws -> Message? {
        guard let key = message.idempotencyKey else { return nil }
        return try Row.fetchOne(
            db.cachedStatement(sql: MessageRow.select + " WHERE tenant_id = ? AND idempotency_key = ?"),
            arguments: [message.tenantID.rawValue, key]
        ).map(MessageRow.message)
    }

    private static func record(_ completions: [Completion], _ db: Database) throws -> [Bool] {
        let insertAttempt = try db.cachedStatement(sql: MessageRow.insertAttemptSQL)
        let update = try db.cachedStatement(sql: SQLiteCompletion.sql)
        return try completions.map { completion in
            if let attempt = completion.attempt { try insertAttempt.execute(arguments: MessageRow.arguments(attempt)) }
            try update.execute(arguments: SQLiteCompletion.arguments(completion))
            guard db.changesCount > 0 else { return false }
            if let event = completion.event { try insertEvent(event, db) }
            return true
        }
    }

    /// Stores an event Herald raised (no quota, no idempotency clash: its key is Herald's own).
    static func insertEvent(_ event: Message, _ db: Database) throws {
        try db.cachedStatement(sql: MessageRow.insertSQL).execute(arguments: MessageRow.arguments(event))
        try SQLiteQueueDepthTally.add(db.changesCount, to: event.status, db)
    }
}
