public import Foundation
public import HeraldCore

/// Durable state for messages and their delivery log. Every driver (in-memory, SQLite, and
/// later PostgreSQL) passes the same conformance suite.
///
/// Times are always passed in (`now`), never read from the system clock, so tests control them.
public protocol MessageStore: Sendable {
    /// Stores new messages of one tenant in one transaction. A message whose idempotency key its
    /// tenant already used returns the stored one instead. With a `quota`, messages that would
    /// take the tenant past it in the current period are not stored (``EnqueueResult/quotaExceeded``),
    /// in order: the first ones fit, the rest do not.
    /// - Returns: one result per message, in order.
    /// - Throws: ``StoreError``.
    func enqueue(_ messages: [Message], quota: Quota?) async throws -> [EnqueueResult]

    /// One message; `tenant` restricts the lookup to that tenant's messages.
    func message(id: MessageID, tenant: TenantID?) async throws -> Message?

    /// A tenant's messages matching `query`, newest first.
    func listMessages(_ query: MessageQuery) async throws -> [Message]

    /// How many messages of `kind` are in each status, for one tenant or (`nil`) all.
    func countByStatus(tenant: TenantID?, kind: MessageKind) async throws -> [MessageStatus: Int]

    /// The delivery log of a message, oldest first.
    func attempts(messageID: MessageID) async throws -> [AttemptRecord]

    /// Takes up to `limit` due messages under a lease: sending ones whose lease expired, then
    /// pending ones whose time has come, shared between the tenants with due work by their
    /// weights (``FairClaimPlan``) within ``ClaimParams/fairness``, each tenant's by priority
    /// (highest first), then due time. Each claim gives the message a fresh ``Lease`` (its next
    /// ``Lease/version``) and counts an expired lease in ``Message/leaseExpiries``.
    /// A claim counts no attempt (a completion does, when a request went out). Pending messages
    /// whose ``Message/throttleKey`` is in ``ClaimParams/excludedKeys`` are left out, unless they
    /// already wait their turn (``Message/notBefore``).
    func claim(_ params: ClaimParams) async throws -> [Message]

    /// Records attempt results. Each changes its message only while it is still `sending` under
    /// exactly ``Completion/lease`` — not under a later claim, even by the same owner — and only
    /// then stores its ``Completion/event``, in the same transaction; the attempt record is kept
    /// either way.
    /// - Returns: for each completion, whether the message was still leased and was updated.
    func complete(_ completions: [Completion]) async throws -> [Bool]

    /// Puts messages still sending under the given leases back in the queue, due at `now`; a
    /// message claimed again since (its lease expired) is left to its new holder. Used on
    /// shutdown for sends that did not finish.
    /// - Returns: how many were returned.
    func releaseLeases(_ leases: [MessageID: LeaseToken], now: Date) async throws -> Int

    /// Cancels a scheduled or queued message.
    /// - Throws: ``StoreError/notFound`` or ``StoreError/illegalTransition(_:)``.
    func cancel(id: MessageID, tenant: TenantID?, now: Date) async throws -> Message

    /// Queues a failed message again, with a fresh attempt budget.
    /// - Throws: ``StoreError/notFound`` or ``StoreError/illegalTransition(_:)``.
    func retry(id: MessageID, tenant: TenantID?, now: Date) async throws -> Message

    /// Checks the database answers.
    func ping() async throws

    /// Signalled whenever work may have become due: a committed enqueue, a manual retry,
    /// returned leases. In-process for embedded drivers; fed by `LISTEN/NOTIFY` on PostgreSQL.
    var workSignal: WorkSignal { get }
}

extension MessageStore {
    /// Stores new messages without a quota.
    public func enqueue(_ messages: [Message]) async throws -> [EnqueueResult] {
        try await enqueue(messages, quota: nil)
    }

    /// How many of the clients' messages (not events) are in each status.
    public func countByStatus(tenant: TenantID?) async throws -> [MessageStatus: Int] {
        try await countByStatus(tenant: tenant, kind: .message)
    }
}

/// What ``MessageStore/enqueue(_:quota:)`` did with one message.
public enum EnqueueResult: Sendable, Hashable {
    /// Stored as new.
    case created(Message)
    /// The tenant already had a message with this idempotency key; here it is, unchanged.
    case existing(Message)
    /// Not stored: the tenant's quota for this period is used up.
    case quotaExceeded
}

/// The arguments of a claim.
public struct ClaimParams: Sendable, Hashable {
    /// The dispatcher taking the lease.
    public var owner: String
    public var limit: Int
    public var now: Date
    public var leaseDuration: Duration
    /// Throttle keys whose bucket is empty: their new messages stay queued, untouched.
    public var excludedKeys: [String]
    /// Tenants whose dispatching is paused: none of their messages is taken.
    public var excludedTenants: [TenantID]
    /// When set, only this tenant's messages are taken.
    public var onlyTenant: TenantID?
    /// How the claim is shared between tenants, and the bounds on tenants and destinations.
    public var fairness: ClaimFairness

    public init(
        owner: String, limit: Int, now: Date, leaseDuration: Duration, excludedKeys: [String] = [],
        excludedTenants: [TenantID] = [], onlyTenant: TenantID? = nil, fairness: ClaimFairness = .unbounded
    ) {
        self.fairness = fairness
        self.owner = owner
        self.limit = limit
        self.now = now
        self.leaseDuration = leaseDuration
        self.excludedKeys = excludedKeys
        self.excludedTenants = excludedTenants
        self.onlyTenant = onlyTenant
    }

    /// Whether the claim may take a message of `tenant`.
    public func admits(_ tenant: TenantID) -> Bool {
        if let onlyTenant, onlyTenant != tenant { return false }
        return !excludedTenants.contains(tenant)
    }
}

/// The decided result of one attempt, ready to record.
public struct Completion: Sendable, Hashable {
    /// What the message becomes.
    public enum Resolution: Sendable, Hashable {
        case sent(providerMessageID: String?)
        case retry(at: Date, error: String)
        case failed(error: String)
        /// The provider's rate limit: queued again for `at`, the attempt not counted against
        /// the retry budget, one more throttle counted.
        case throttled(at: Date, error: String)
        /// A dry run: nothing went out.
        case dryRun
        /// A rate limit: nothing went out; queued again to go at `until`, holding its turn
        /// (``Message/notBefore``). Not an attempt: no record, no count.
        case deferred(until: Date)
    }

    public var messageID: MessageID
    /// The lease the result was reached under: it applies only while the message still has it.
    public var lease: LeaseToken
    public var resolution: Resolution
    /// The delivery log entry; `nil` for a deferral.
    public var attempt: AttemptRecord?
    /// The status event the outcome raises for the message's tenant, stored with it in the same
    /// transaction, and only if the completion applies.
    public var event: Message?
    /// Whether a request went out (or, for a dry run, was rehearsed): only then is the attempt
    /// counted against the retry budget. A message that expired, or whose channel or profile is
    /// gone, fails with an entry in its log but no counted attempt.
    public var requestSent: Bool
    public var now: Date

    public init(
        messageID: MessageID, lease: LeaseToken, resolution: Resolution, attempt: AttemptRecord?, requestSent: Bool = true,
        event: Message? = nil, now: Date
    ) {
        self.messageID = messageID
        self.event = event
        self.lease = lease
        self.resolution = resolution
        self.attempt = attempt
        self.requestSent = requestSent
        self.now = now
    }

    /// How much the completion adds to the message's attempts: 1 when a request went out and
    /// was not throttled by the provider.
    public var attemptIncrement: Int {
        switch resolution {
        case .throttled, .deferred: 0
        case .sent, .retry, .failed, .dryRun: requestSent ? 1 : 0
        }
    }

    /// The status the message moves to.
    public var targetStatus: MessageStatus {
        switch resolution {
        case .sent: .sent
        case .retry, .throttled, .deferred: .queued
        case .failed: .failed
        case .dryRun: .dryRun
        }
    }
}
