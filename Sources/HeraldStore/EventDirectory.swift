public import Foundation
public import HeraldCore
import Synchronization

/// Which tenants take status events, where, and with which secrets: read from the store at
/// most once per ``ttl`` (all tenants in one read), so raising and sending events costs no
/// read per message. Changes made through this process apply at once (``invalidate()``);
/// changes made by another process within ``ttl``. When a read fails, the last one read is
/// used, so a passing database hiccup loses no event.
public final class EventDirectory: Sendable {
    private struct Snapshot {
        var tenants: [TenantID: Tenant]
        var readAt: ContinuousClock.Instant
    }

    private let store: any TenantStore
    private let snapshot = Mutex<Snapshot?>(nil)
    /// How long a read is trusted.
    public let ttl: Duration

    public init(store: any TenantStore, ttl: Duration = .seconds(1)) {
        self.store = store
        self.ttl = ttl
    }

    /// The tenants that take events and their URLs, for raising events.
    /// - Throws: only when the store has never been read.
    public func subscriptions() async throws -> EventSubscriptions {
        EventSubscriptions(urls: try await tenants().compactMapValues(\.eventsURL))
    }

    /// Where `tenant`'s events go at `now`, and their secrets; `nil` when it takes none.
    public func endpoint(for tenant: TenantID, at now: Date) async throws -> EventEndpoint? {
        try await tenants()[tenant]?.eventEndpoint(at: now)
    }

    /// Forgets what was read, after a tenant's events settings changed.
    public func invalidate() {
        let stale = ContinuousClock.now - ttl
        snapshot.withLock { $0?.readAt = stale }
    }

    private func tenants() async throws -> [TenantID: Tenant] {
        let now = ContinuousClock.now
        let cached = snapshot.withLock { $0 }
        if let cached, now - cached.readAt < ttl { return cached.tenants }
        do {
            let subscribed = try await store.listTenants().filter { $0.eventsURL != nil }
            let tenants = Dictionary(subscribed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            snapshot.withLock { $0 = Snapshot(tenants: tenants, readAt: now) }
            return tenants
        } catch {
            guard let cached else { throw error }
            return cached.tenants
        }
    }
}
