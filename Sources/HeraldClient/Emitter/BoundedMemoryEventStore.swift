import Synchronization

/// The default event store: up to ``capacity`` messages in memory (10,000 unless told), lost if
/// the process dies. Every operation is a short critical section; nothing waits inside it.
public final class BoundedMemoryEventStore: EmitterEventStore {
    private struct State {
        /// Waiting messages, oldest first, from `head` on (the slots before it are spent).
        var waiting: [StoredMessage] = []
        var head = 0
        var taken: [Int64: StoredMessage] = [:]
        var nextID: Int64 = 1

        var waitingCount: Int { waiting.count - head }

        /// Drops spent slots once they are most of the array, keeping each operation cheap.
        mutating func compact() {
            guard head > 64, head * 2 > waiting.count else { return }
            waiting.removeFirst(head)
            head = 0
        }
    }

    public let capacity: Int
    private let state = Mutex(State())

    /// - Parameter capacity: the most messages held, waiting and in flight (at least 1).
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    public func add(_ message: OutgoingMessage) async throws -> Int64? {
        state.withLock { state in
            guard state.waitingCount + state.taken.count < capacity else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.waiting.append(StoredMessage(id: id, message: message))
            return id
        }
    }

    public func dropOldest() async throws -> Int64? {
        state.withLock { state in
            guard state.waitingCount > 0 else { return nil }
            let oldest = state.waiting[state.head]
            state.head += 1
            state.compact()
            return oldest.id
        }
    }

    public func take(_ limit: Int) async throws -> [StoredMessage] {
        state.withLock { state in
            let count = min(max(0, limit), state.waitingCount)
            guard count > 0 else { return [] }
            let batch = Array(state.waiting[state.head..<state.head + count])
            state.head += count
            for stored in batch { state.taken[stored.id] = stored }
            state.compact()
            return batch
        }
    }

    public func finish(_ ids: [Int64]) async throws {
        state.withLock { state in
            for id in ids { state.taken.removeValue(forKey: id) }
        }
    }

    public func release(_ ids: [Int64]) async throws {
        state.withLock { state in
            let released = ids.compactMap { state.taken.removeValue(forKey: $0) }
            guard !released.isEmpty else { return }
            // Back in order, ahead of messages added since: they are older.
            let rest = state.waiting[state.head...]
            state.waiting = (released + rest).sorted { $0.id < $1.id }
            state.head = 0
        }
    }

    public func all() async throws -> [StoredMessage] {
        state.withLock { state in
            (Array(state.taken.values) + state.waiting[state.head...]).sorted { $0.id < $1.id }
        }
    }
}
