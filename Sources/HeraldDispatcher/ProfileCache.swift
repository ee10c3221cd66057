public import HeraldCore
public import HeraldStore
import Synchronization

/// Sender profiles as the dispatcher reads them for each send, kept for a moment so a burst of
/// one profile's messages costs one read. A changed profile (a rotated token) applies to
/// queued messages within ``ttl``.
public final class ProfileCache: Sendable {
    private struct Entry {
        var profile: SenderProfile?
        var fetchedAt: ContinuousClock.Instant
    }

    /// How long a read profile is trusted.
    public let ttl: Duration
    private let store: any ProfileStore
    private let entries = Mutex<[ProfileID: Entry]>([:])

    public init(store: any ProfileStore, ttl: Duration = .seconds(1)) {
        self.store = store
        self.ttl = ttl
    }

    /// The profile, or `nil` when it was deleted.
    /// - Throws: a store error when it cannot be read.
    public func profile(id: ProfileID) async throws -> SenderProfile? {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[id] }), now - entry.fetchedAt < ttl {
            return entry.profile
        }
        let profile = try await store.profile(id: id)
        entries.withLock { $0[id] = Entry(profile: profile, fetchedAt: now) }
        return profile
    }
}
