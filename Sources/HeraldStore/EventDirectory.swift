public import Foundation
public import HeraldCore
import Synchronization

/// Which tenants take status events, where, and with which secrets: read from the store at
/// most once per ``ttl`` (all tenants in one read, by one caller while the others go on with
/// what was read before), so raising and sending events costs no read per message. Changes
/// made through this process apply at once (``invalidate()``); changes made by another process
/// within ``ttl``. When a read fails, the last one read is used, so a passing database hiccup
/// loses no event.
public final class EventDirectory: Sendable {
    private struct Snapshot {
        var tenants: [TenantID: Tenant] = [:]
        var subscriptions = EventSubscriptions.none
        /// When it was read; `nil` when it must be read again.
        var readAt: ContinuousClock.Instant?
        var refreshing = false
        /// Whether the store was ever read: until then there is nothing to fall back on.
        var everRead = false
    }

    private let store: any TenantStore
    private let snapshot = Mutex(Snapshot())
    /// How long a read is trusted.
    public let ttl: Duration

    public init(store: any TenantStore, ttl: Duration = .seconds(1)) {
        self.store = store
        self.ttl = ttl
    }

    /// The tenants that take events and their URLs, for raising events.
    /// - Throws: only when the store has never been read.
    public func subscriptions() async throws -> EventSubscriptions {
        try await current().subscriptions
    }

    /// Where `tenant`'s events go at `now`, and their secrets; `nil` when it takes none.
    public func endpoint(for tenant: TenantID, at now: Date) async throws -> EventEndpoint? {
        try await current().tenants[tenant]?.eventEndpoint(at: now)
    }

    /// Makes the next use read again, after a tenant's events settings changed.
    public func invalidate() {
        snapshot.withLock { $0.readAt = nil }
    }

    /// The snapshot, read again when it is stale and nobody else is reading it.
    private func current() async throws -> Snapshot {
        let now = ContinuousClock.now
        let (cached, mustRead) = snapshot.withLock { snapshot -> (Snapshot, Bool) in
            if let readAt = snapshot.readAt, now - readAt < ttl { return (snapshot, false) }
            // Someone is reading already: go on with the last read, if there is one.
            if snapshot.refreshing, snapshot.everRead { return (snapshot, false) }
            snapshot.refreshing = true
            return (snapshot, true)
        }
        guard mustRead else { return cached }
        do {
            let subscribed = try await store.listTenants().filter { $0.eventsURL != nil }
            let tenants = Dictionary(subscribed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let fresh = Snapshot(
                tenants: tenants, subscriptions: EventSubscriptions(urls: tenants.compactMapValues(\.eventsURL)), readAt: now,
                everRead: true
            )
            snapshot.withLock { $0 = fresh }
            return fresh
        } catch {
            snapshot.withLock { $0.refreshing = false }
            guard cached.everRead else { throw error }
            return cached
        }
    }
}
