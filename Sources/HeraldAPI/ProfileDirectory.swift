import Foundation
public import HeraldCore
public import HeraldStore
import Synchronization

/// Each tenant's sender profiles as ingest needs them to choose a message's profile, cached for
/// a moment so that a burst of messages costs one read. Changes made through this process apply
/// at once; changes made by another process within ``ttl``.
public final class ProfileDirectory: Sendable {
    private struct Entry {
        var profiles: [SenderProfile]
        var fetchedAt: ContinuousClock.Instant
    }

    /// How long a tenant's looked-up profiles are trusted.
    public let ttl: Duration
    private let store: any ProfileStore
    private let cache = Mutex<[TenantID: Entry]>([:])

    public init(store: any ProfileStore, ttl: Duration = .seconds(1)) {
        self.store = store
        self.ttl = ttl
    }

    /// The tenant's profiles, by name.
    public func profiles(of tenant: TenantID) async throws -> [SenderProfile] {
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[tenant] }), now - entry.fetchedAt < ttl {
            return entry.profiles
        }
        let profiles = try await store.profiles(tenant: tenant)
        cache.withLock { $0[tenant] = Entry(profiles: profiles, fetchedAt: now) }
        return profiles
    }

    /// Forgets a tenant's profiles after one changed.
    public func invalidate(_ tenant: TenantID) {
        _ = cache.withLock { $0.removeValue(forKey: tenant) }
    }
}
