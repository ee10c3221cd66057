public import Foundation
import HeraldCore

/// The dispatch pauses in force, read from the store at most once per ``ttl`` (by one caller
/// while the others go on with the last read), so the dispatcher's loop costs no read per
/// claim. A pause or resume made through this process applies here at once; one made by
/// another process on the same database within ``ttl``. When a read fails, the last one read
/// stands.
public final class PauseDirectory: Sendable {
    private let store: any PauseStore
    private let snapshot: SharedSnapshot<DispatchPauses>

    /// How long a read is trusted.
    public var ttl: Duration { snapshot.ttl }

    public init(store: any PauseStore, ttl: Duration = .seconds(1)) {
        self.store = store
        snapshot = SharedSnapshot(ttl: ttl) { try await store.dispatchPauses() }
    }

    /// The pauses in force.
    /// - Throws: only when the store has never been read.
    public func current() async throws -> DispatchPauses {
        try await snapshot.current()
    }

    /// Pauses or resumes `scope` in the store, and here at once.
    /// - Returns: whether that changed anything.
    public func set(_ paused: Bool, scope: PauseScope, now: Date) async throws -> Bool {
        let changed = try await store.setPaused(paused, scope: scope, now: now)
        snapshot.update { $0.set(paused, scope) }
        return changed
    }
}
