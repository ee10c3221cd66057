import Foundation
public import HeraldCore
public import HeraldStore
import Synchronization

/// Tenants as the API needs them on every request (disabled? quota?), cached for a moment so
/// that authentication costs no extra read. Changes made through this process apply at once;
/// changes made by another process within ``ttl``.
public final class TenantDirectory: Sendable {
    private struct Entry {
        var tenant: Tenant?
        var fetchedAt: ContinuousClock.Instant
    }

    /// How long a looked-up tenant is trusted.
    public let ttl: Duration
    private let store: any TenantStore
    private let cache = Mutex<[TenantID: Entry]>([:])

    public init(store: any TenantStore, ttl: Duration = .seconds(1)) {
        self.store = store
        self.ttl = ttl
    }

    /// The tenant, or `nil` when there is none with this id.
    public func tenant(_ id: TenantID) async throws -> Tenant? {
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[id] }), now - entry.fetchedAt < ttl {
            return entry.tenant
        }
        let tenant = try await store.tenant(id: id)
        cache.withLock { $0[id] = Entry(tenant: tenant, fetchedAt: now) }
        return tenant
    }

    /// Forgets a tenant after it changed.
    public func invalidate(_ id: TenantID) {
        _ = cache.withLock { $0.removeValue(forKey: id) }
    }
}
