public import HeraldCore
public import HeraldStore

/// Each tenant's sender profiles as ingest needs them to choose a message's profile, cached for
/// a moment so that a burst of messages costs one read. Changes made through this process apply
/// at once; changes made by another process within ``ttl``.
public final class ProfileDirectory: Sendable {
    private let store: any ProfileStore
    private let cache: ReadThroughCache<TenantID, [SenderProfile]>

    /// How long a tenant's looked-up profiles are trusted.
    public var ttl: Duration { cache.ttl }

    public init(store: any ProfileStore, ttl: Duration = .seconds(1)) {
        self.store = store
        self.cache = ReadThroughCache(ttl: ttl)
    }

    /// The tenant's profiles, by name.
    public func profiles(of tenant: TenantID) async throws -> [SenderProfile] {
        try await cache.value(for: tenant) { try await store.profiles(tenant: tenant) }
    }

    /// Forgets a tenant's profiles after one changed.
    public func invalidate(_ tenant: TenantID) {
        cache.invalidate(tenant)
    }
}
