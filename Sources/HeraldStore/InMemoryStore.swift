public import Foundation
public import HeraldCore
import Synchronization

/// A store that keeps everything in memory: for tests and dry runs. Nothing survives the process.
public final class InMemoryStore: HeraldStore {
    struct State {
        var profiles: [ProfileID: SenderProfile] = [:]
        var messages: [MessageID: Message] = [:]
        var idempotency: [IdempotencyKey: MessageID] = [:]
        var attempts: [MessageID: [AttemptRecord]] = [:]
        var apiKeys: [String: StoredAPIKey] = [:]
        var settings: [String: String] = [:]
        var tenants: [TenantID: Tenant] = [:]
        var usage: [UsageKey: Int] = [:]
        var pendingReceipts: [(receipt: Receipt, receivedAt: Date)] = []
        var pacing: [String: Date] = [:]
        var pauses: Set<PauseScope> = []
    }

    struct UsageKey: Hashable {
        var tenant: TenantID
        var period: Quota.Period
        var start: Date
    }

    struct IdempotencyKey: Hashable {
        var tenant: TenantID
        var key: String
    }

    let state = Mutex(State())
    /// Signalled whenever new work is stored.
    public let workSignal: WorkSignal

    public init(workSignal: WorkSignal = WorkSignal()) {
        self.workSignal = workSignal
    }

    public func enqueue(_ messages: [Message], quota: Quota?) async throws -> [EnqueueResult] {
        let results = state.withLock { state in
            messages.map { message -> EnqueueResult in
                let slot = message.idempotencyKey.map { IdempotencyKey(tenant: message.tenantID, key: $0) }
                if let slot, let existing = state.idempotency[slot], let stored = state.messages[existing] {
                    return .existing(stored)
                }
                if let quota {
                    let key = UsageKey(tenant: message.tenantID, period: quota.period, start: quota.periodStart(containing: message.createdAt))
                    guard state.usage[key, default: 0] < quota.limit else { return .quotaExceeded }
                }
                if let slot { state.idempotency[slot] = message.id }
                state.messages[message.id] = message
                // Events use no quota.
                for period in Quota.Period.allCases where message.kind == .message {
                    let start = Quota(limit: 0, period: period).periodStart(containing: message.createdAt)
                    state.usage[UsageKey(tenant: message.tenantID, period: period, start: start), default: 0] += 1
                }
                return .created(message)
            }
        }
        workSignal.signal()
        return results
    }

    public func message(id: MessageID, tenant: TenantID?) async throws -> Message? {
        state.withLock { state in
            guard let message = state.messages[id], tenant == nil || message.tenantID == tenant else { return nil }
            return message
        }
    }

    public func listMessages(_ query: MessageQuery) async throws -> [Message] {
        state.withLock { state in
            Array(state.messages.values.filter(query.matches).sorted { $0.id > $1.id }.dropFirst(query.offset).prefix(query.limit))
        }
    }

    public func countByStatus(tenant: TenantID?, kind: MessageKind) async throws -> [MessageStatus: Int] {
        state.withLock { state in
            state.messages.values
                .filter { (tenant == nil || $0.tenantID == tenant) && $0.kind == kind }
                .reduce(into: [:]) { counts, message in counts[message.status, default: 0] += 1 }
        }
    }

    public func attempts(messageID: MessageID) async throws -> [AttemptRecord] {
        state.withLock { $0.attempts[messageID] ?? [] }
    }

    public func claim(_ params: ClaimParams) async throws -> [Message] {
        guard params.limit > 0 else { return [] }
        return state.withLock { state in
            let excluded = Set(params.excludedKeys)
            let expired = state.messages.values
                .filter { $0.status == .sending && params.admits($0.tenantID) && ($0.lease?.expiresAt ?? .distantPast) <= params.now }
                .sorted(by: Self.claimOrder)
                .prefix(params.limit)
            var chosen = Array(expired)
            // Due pending messages by tenant, best first; then shared as every driver shares them.
            var waiting = Dictionary(grouping: state.messages.values.filter { message in
                message.status.isPending && params.admits(message.tenantID) && message.nextAttemptAt <= params.now
            }, by: \.tenantID).mapValues { $0.sorted(by: Self.claimOrder) }
            let due = waiting.keys.map { DueTenant(id: $0, weight: state.tenants[$0]?.weight ?? Tenant.defaultWeight) }
            var rooms = params.fairness.destinationRooms
            var plan = FairClaimPlan(limit: params.limit - chosen.count, due: due, fairness: params.fairness)
            while let round = plan.nextRound() {
                for (tenant, count) in round {
                    var taken: [Message] = []
                    var filled = false
                    let full = Set(rooms.filter { $0.value <= 0 }.keys)
                    let walk = (waiting[tenant] ?? []).filter { message in
                        (message.notBefore != nil || message.throttleKey.map(excluded.contains) != true)
                            && message.destination.map(full.contains) != true
                    }
                    for (index, message) in walk.enumerated() where taken.count < count {
                        guard index < count * 4 || params.fairness.perDestination == nil else { break }
                        let room = message.destination.flatMap { rooms[$0] ?? params.fairness.perDestination }
                        if room.map({ $0 <= 0 }) == true { continue }
                        if let destination = message.destination, let room {
                            rooms[destination] = room - 1
                            filled = filled || room - 1 <= 0
                        }
                        taken.append(message)
                    }
                    waiting[tenant] = (waiting[tenant] ?? []).filter { message in !taken.contains { $0.id == message.id } }
                    plan.took(taken.count, of: count, for: tenant, filledDestination: filled)
                    chosen += taken
                }
            }
            let expiry = params.now.adding(params.leaseDuration)
            return chosen.map { candidate in
                var message = candidate
                if message.status == .sending { message.leaseExpiries += 1 }
                // Statuses were filtered above, so the move is always legal.
                try? message.transition(to: .sending, at: params.now)
                message.leaseVersion += 1
                message.lease = Lease(owner: params.owner, expiresAt: expiry, version: message.leaseVersion)
                state.messages[message.id] = message
                return message
            }
        }
    }

    public func complete(_ completions: [Completion]) async throws -> [Bool] {
        let results = state.withLock { state in
            completions.map { completion -> Bool in
                if let attempt = completion.attempt { state.attempts[completion.messageID, default: []].append(attempt) }
                guard var message = state.messages[completion.messageID],
                      message.status == .sending,
                      message.lease?.token == completion.lease
                else { return false }
                message.apply(completion)
                state.messages[message.id] = message
                if let event = completion.event { state.messages[event.id] = event }
                return true
            }
        }
        if completions.contains(where: { completion in
            if case .retry = completion.resolution { true } else { completion.event != nil }
        }) {
            workSignal.signal()
        }
        return results
    }

    public func releaseLeases(_ leases: [MessageID: LeaseToken], now: Date) async throws -> Int {
        let count = state.withLock { state in
            var count = 0
            for (id, token) in leases {
                guard let message = state.messages[id], message.status == .sending, message.lease?.token == token else { continue }
                state.messages[id] = message.releasingLease(now: now)
                count += 1
            }
            return count
        }
        if count > 0 { workSignal.signal() }
        return count
    }

    public func cancel(id: MessageID, tenant: TenantID?, now: Date) async throws -> Message {
        try update(id: id, tenant: tenant) { message in
            try message.transition(to: .cancelled, at: now)
            message.cancelledAt = now
        }
    }

    public func retry(id: MessageID, tenant: TenantID?, now: Date) async throws -> Message {
        let message = try update(id: id, tenant: tenant) { message in
            try message.requeueForManualRetry(now: now)
        }
        workSignal.signal()
        return message
    }

    public func ping() async throws {}

    // MARK: CredentialStore

    public func insertAPIKey(_ key: StoredAPIKey) async throws {
        state.withLock { $0.apiKeys[key.hash] = key }
    }

    public func apiKey(hash: String) async throws -> StoredAPIKey? {
        state.withLock { state in state.apiKeys[hash].flatMap { $0.revokedAt == nil ? $0 : nil } }
    }

    public func apiKeyCount(role: StoredAPIKey.Role) async throws -> Int {
        state.withLock { state in state.apiKeys.values.filter { $0.role == role && $0.revokedAt == nil }.count }
    }

    public func setting(_ name: String) async throws -> String? {
        state.withLock { $0.settings[name] }
    }

    public func insertSettingIfAbsent(_ name: String, value: String) async throws -> String {
        state.withLock { state in
            if let existing = state.settings[name] { return existing }
            state.settings[name] = value
            return value
        }
    }

    // MARK: TenantStore

    public func createTenant(_ tenant: Tenant) async throws {
        try state.withLock { state in
            guard state.tenants[tenant.id] == nil else { throw StoreError.conflict("tenant \(tenant.id) exists") }
            state.tenants[tenant.id] = tenant
        }
    }

    public func tenant(id: TenantID) async throws -> Tenant? {
        state.withLock { $0.tenants[id] }
    }

    public func listTenants() async throws -> [Tenant] {
        state.withLock { $0.tenants.values.sorted { $0.id.rawValue < $1.id.rawValue } }
    }

    public func updateTenant(_ tenant: Tenant) async throws {
        try state.withLock { state in
            guard state.tenants[tenant.id] != nil else { throw StoreError.notFound }
            state.tenants[tenant.id] = tenant
        }
    }

    public func apiKeys(tenant: TenantID) async throws -> [StoredAPIKey] {
        state.withLock { state in
            state.apiKeys.values.filter { $0.tenantID == tenant && $0.role == .tenant }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    public func revokeAPIKey(id: String, tenant: TenantID, now: Date) async throws -> Bool {
        state.withLock { state in
            guard let hash = state.apiKeys.first(where: { $0.value.id == id && $0.value.tenantID == tenant && $0.value.revokedAt == nil })?.key
            else { return false }
            state.apiKeys[hash]?.revokedAt = now
            return true
        }
    }

    public func quotaUsed(tenant: TenantID, period: Quota.Period, periodStart: Date) async throws -> Int {
        state.withLock { $0.usage[UsageKey(tenant: tenant, period: period, start: periodStart), default: 0] }
    }

    // MARK: Helpers

    private func update(
        id: MessageID,
        tenant: TenantID?,
        _ change: (inout Message) throws -> Void
    ) throws -> Message {
        try state.withLock { state in
            guard var message = state.messages[id], tenant == nil || message.tenantID == tenant else {
                throw StoreError.notFound
            }
            do {
                try change(&message)
            } catch let error as HeraldError {
                throw StoreError.illegalTransition(error)
            }
            state.messages[id] = message
            return message
        }
    }

    /// Priority first (highest first), then due time, then id for a stable order.
    static func claimOrder(_ lhs: Message, _ rhs: Message) -> Bool {
        if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
        let lhsDue = lhs.status == .sending ? (lhs.lease?.expiresAt ?? lhs.nextAttemptAt) : lhs.nextAttemptAt
        let rhsDue = rhs.status == .sending ? (rhs.lease?.expiresAt ?? rhs.nextAttemptAt) : rhs.nextAttemptAt
        if lhsDue != rhsDue { return lhsDue < rhsDue }
        return lhs.id < rhs.id
    }
}
