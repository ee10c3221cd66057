import HeraldStore
import Logging
import PostgresNIO
import Synchronization

/// Holds a `LISTEN herald_work` connection for the store and turns each notification into a
/// ``HeraldStore/WorkSignal`` wake-up, so a message accepted by any process is claimed at once
/// by an idle one. When the connection drops it reconnects with backoff, and signals once on
/// every (re)connect for what it may have missed; the dispatcher's poll stays the fallback.
struct PostgresWorkListener {
    let store: PostgresStore

    func run() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await store.client.withConnection { connection in
                    try await connection.listen(on: PostgresStore.workChannel) { notifications in
                        failures = 0
                        store.listening.withLock { $0 = true }
                        defer { store.listening.withLock { $0 = false } }
                        store.workSignal.signal()
                        for try await _ in notifications { store.workSignal.signal() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                if failures == 1 {
                    store.logger.warning("work notifications lost; reconnecting", metadata: ["error": "\(error)"])
                }
            }
            let wait = Duration.milliseconds(100) * (1 << min(failures, 6))
            try? await Task.sleep(for: wait)
        }
    }
}
