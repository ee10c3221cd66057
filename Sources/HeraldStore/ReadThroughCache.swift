import Synchronization

/// Values read from the store and trusted for a moment, so that a burst of requests costs one
/// read: tenants on every request, a tenant's profiles at ingest, a profile at each send.
/// Changes made through this process are applied at once by ``invalidate(_:)``; changes made
/// by another process within ``ttl``.
package final class ReadThroughCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var readAt: ContinuousClock.Instant
    }

    /// How long a read value is trusted.
    package let ttl: Duration
    private let entries = Mutex<[Key: Entry]>([:])

    package init(ttl: Duration) {
        self.ttl = ttl
    }

    /// The value for `key`: the cached one while it is fresh, else what `read` returns (kept).
    package func value(for key: Key, read: () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), now - entry.readAt < ttl {
            return entry.value
        }
        let value = try await read()
        entries.withLock { $0[key] = Entry(value: value, readAt: now) }
        return value
    }

    /// Forgets `key` after it changed.
    package func invalidate(_ key: Key) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}
