public import HeraldCore
public import HeraldStore

/// Sender profiles as the dispatcher reads them for each send, kept for a moment so a burst of
/// one profile's messages costs one read. A changed profile (a rotated token) applies to
/// queued messages within ``ttl``.
public final class ProfileCache: Sendable {
    private let store: any ProfileStore
    private let cache: ReadThroughCache<ProfileID, SenderProfile?>

    /// How long a read profile is trusted.
    public var ttl: Duration { cache.ttl }

    public init(store: any ProfileStore, ttl: Duration = .seconds(1)) {
        self.store = store
        self.cache = ReadThroughCache(ttl: ttl)
    }

    /// The profile, or `nil` when it was deleted.
    /// - Throws: a store error when it cannot be read.
    public func profile(id: ProfileID) async throws -> SenderProfile? {
        try await cache.value(for: id) { try await store.profile(id: id) }
    }
}
