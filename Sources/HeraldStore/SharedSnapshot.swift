import Synchronization

/// One value read from the store and shared by every caller for ``ttl``: read by one caller
/// at a time while the others go on with the last read, and kept when a read fails, so a
/// passing database hiccup changes nothing. A change made through this process applies at once
/// (``update(_:)``) and is never undone by a read that began before it.
package final class SharedSnapshot<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var readAt: ContinuousClock.Instant?
        var refreshing = false
        /// Counts the changes made here: a read begun before one must not replace it.
        var changes = 0
    }

    private enum Next {
        case use(Value)
        case read(fallback: Value?, changes: Int)
    }

    /// How long a read is trusted.
    package let ttl: Duration
    private let read: @Sendable () async throws -> Value
    private let state = Mutex(State())

    package init(ttl: Duration, read: @escaping @Sendable () async throws -> Value) {
        self.ttl = ttl
        self.read = read
    }

    /// The value, read again when it is stale and nobody else is reading it.
    /// - Throws: only when the store has never been read.
    package func current() async throws -> Value {
        let now = ContinuousClock.now
        let next = state.withLock { state -> Next in
            if let value = state.value {
                if let readAt = state.readAt, now - readAt < ttl { return .use(value) }
                // Someone is reading already: go on with the last read.
                if state.refreshing { return .use(value) }
            }
            state.refreshing = true
            return .read(fallback: state.value, changes: state.changes)
        }
        switch next {
        case .use(let value):
            return value
        case .read(let fallback, let changes):
            do {
                let fresh = try await read()
                return state.withLock { state in
                    state.refreshing = false
                    // Changed here meanwhile: this read may predate it; read again next time.
                    guard state.changes == changes else { return state.value ?? fresh }
                    state.value = fresh
                    state.readAt = now
                    return fresh
                }
            } catch {
                state.withLock { $0.refreshing = false }
                guard let fallback else { throw error }
                return fallback
            }
        }
    }

    /// Applies a change made through this process to the value at once; the next use reads
    /// again, for the changes other processes made.
    package func update(_ change: (inout Value) -> Void) {
        state.withLock { state in
            state.changes += 1
            if var value = state.value {
                change(&value)
                state.value = value
            }
            state.readAt = nil
        }
    }

    /// Makes the next use read again.
    package func invalidate() {
        update { _ in }
    }
}
