public import HeraldCore
public import HeraldStore

/// Tenants as the API needs them on every request (disabled? quota? default channel?), cached
/// for a moment so that authentication costs no extra read. Changes made through this process
/// apply at once; changes made by another process within ``ttl``.
public final class TenantDirectory: Sendable {
    private let store: any TenantStore
    private let cache: ReadThroughCache<TenantID, Tenant?>

    /// How long a looked-up tenant is trusted.
    public var ttl: Duration { cache.ttl }

    public init(store: any TenantStore, ttl: Duration = .seconds(1)) {
        self.store = store
        self.cache = ReadThroughCache(ttl: ttl)
    }

    /// The tenant, or `nil` when there is none with this id.
    public func tenant(_ id: TenantID) async throws -> Tenant? {
        try await cache.value(for: id) { try await store.tenant(id: id) }
    }

    /// Forgets a tenant after it changed.
    public func invalidate(_ id: TenantID) {
        cache.invalidate(id)
    }
}
