public import Foundation
public import HeraldCore
import Synchronization

/// The dispatch pauses in force, read from the store at most once per ``ttl`` (by one caller
/// while the others go on with the last read), so the dispatcher's loop costs no read per
/// claim. A pause or resume made through this process applies here at once; one made by
/// another process on the same database within ``ttl``. When a read fails, the last one read
/// stands.
public final class PauseDirectory: Sendable {
    private struct Snapshot {
        var pauses: DispatchPauses?
        var readAt: ContinuousClock.Instant?
        var refreshing = false
        /// Counts the changes made here: a read begun before one must not undo it.
        var changes = 0
    }

    private let store: any PauseStore
    private let snapshot = Mutex(Snapshot())
    /// How long a read is trusted.
    public let ttl: Duration

    public init(store: any PauseStore, ttl: Duration = .seconds(1)) {
        self.store = store
        self.ttl = ttl
    }

    /// The pauses in force.
    /// - Throws: only when the store has never been read.
    public func current() async throws -> DispatchPauses {
        let now = ContinuousClock.now
        enum Next { case use(DispatchPauses), read(fallback: DispatchPauses?, changes: Int) }
        let next = snapshot.withLock { snapshot -> Next in
            if let pauses = snapshot.pauses {
                if let readAt = snapshot.readAt, now - readAt < ttl { return .use(pauses) }
                // Someone is reading already: go on with the last read.
                if snapshot.refreshing { return .use(pauses) }
            }
            snapshot.refreshing = true
            return .read(fallback: snapshot.pauses, changes: snapshot.changes)
        }
        switch next {
        case .use(let pauses):
            return pauses
        case .read(let cached, let changes):
            do {
                let fresh = try await store.dispatchPauses()
                return snapshot.withLock { snapshot in
                    snapshot.refreshing = false
                    // A change made here meanwhile: this read may predate it; read again next time.
                    guard snapshot.changes == changes else { return snapshot.pauses ?? fresh }
                    snapshot.pauses = fresh
                    snapshot.readAt = now
                    return fresh
                }
            } catch {
                snapshot.withLock { $0.refreshing = false }
                guard let cached else { throw error }
                return cached
            }
        }
    }

    /// Pauses or resumes `scope` in the store, and here at once.
    /// - Returns: whether that changed anything.
    public func set(_ paused: Bool, scope: PauseScope, now: Date) async throws -> Bool {
        let changed = try await store.setPaused(paused, scope: scope, now: now)
        snapshot.withLock { snapshot in
            snapshot.changes += 1
            snapshot.pauses?.set(paused, scope)
            // Read again on next use, for changes other processes made meanwhile.
            snapshot.readAt = nil
        }
        return changed
    }
}
