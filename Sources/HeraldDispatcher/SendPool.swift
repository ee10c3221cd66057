import HeraldStore
import Synchronization

/// The send slots: at most ``DispatcherConfiguration/concurrency`` messages between claim and
/// completion at once, shared by the background loop and cycles run on request. Freed slots wake
/// the dispatcher when they make a claim worth it again (``minimumClaim`` free) — not at every
/// send, so an idle dispatcher with a few sends in flight sleeps.
final class SendPool: Sendable {
    let capacity: Int
    /// The fewest free slots worth a claim while sends are in flight.
    let minimumClaim: Int
    private let taken = Mutex(0)
    private let signal: WorkSignal

    init(capacity: Int, minimumClaim: Int, signal: WorkSignal) {
        self.capacity = capacity
        self.minimumClaim = minimumClaim
        self.signal = signal
    }

    /// Slots in use now.
    var inFlight: Int { taken.withLock { $0 } }

    /// Takes up to `count` free slots.
    /// - Returns: how many it took.
    func reserve(upTo count: Int) -> Int {
        taken.withLock { taken in
            let granted = max(0, min(count, capacity - taken))
            taken += granted
            return granted
        }
    }

    /// Whether a claim of the free slots is worth it now.
    var canClaim: Bool {
        taken.withLock { taken in capacity - taken >= minimumClaim }
    }

    /// Gives back `count` slots of messages that were handled.
    func release(_ count: Int) {
        guard count > 0 else { return }
        let wake = taken.withLock { taken in
            let before = capacity - taken < minimumClaim
            taken -= count
            return before && capacity - taken >= minimumClaim
        }
        if wake { signal.signal() }
    }

    /// Gives back slots reserved for a claim that did not fill them: nothing new to wake for.
    func returnUnused(_ count: Int) {
        guard count > 0 else { return }
        taken.withLock { $0 -= count }
    }
}
