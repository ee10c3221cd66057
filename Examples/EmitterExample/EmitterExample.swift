import Foundation
import HeraldClient
import HeraldCore

/// Emits 10,000 messages through a `BatchEmitter` to the Herald server named by `HERALD_URL`
/// (default http://localhost:8080) with the key in `HERALD_API_KEY`, then prints its counters.
/// The messages are webhooks to `HERALD_EXAMPLE_WEBHOOK_URL`, or to the server's `webhook.url`
/// when that is unset.
///
///     HERALD_URL=http://localhost:8080 HERALD_API_KEY=… swift run EmitterExample
@main
struct EmitterExample {
    static func main() async {
        let environment = ProcessInfo.processInfo.environment
        guard let key = environment["HERALD_API_KEY"], !key.isEmpty else {
            print("set HERALD_API_KEY to a tenant key of the server (and HERALD_URL if it is not http://localhost:8080)")
            exit(2)
        }
        let server = URL(string: environment["HERALD_URL"] ?? "http://localhost:8080")!
        let count = Int(environment["HERALD_EXAMPLE_COUNT"] ?? "") ?? 10_000
        do {
            let emitter = try BatchEmitter.builder().serverURL(server).apiKey(key).retryPolicy(.maxRetries(10)).build()
            let started = ContinuousClock.now
            try await emitter.withRunning { emitter in
                for index in 0..<count {
                    var message = OutgoingMessage(channel: "webhook", url: environment["HERALD_EXAMPLE_WEBHOOK_URL"], content: "example \(index)")
                    message.metadata = ["index": .integer(Int64(index))]
                    await emitter.add(message)
                }
                await emitter.flush()
            }
            let counters = emitter.counters
            let seconds = (ContinuousClock.now - started).seconds
            print("added \(counters.added), sent \(counters.sent), failed \(counters.failed), retried \(counters.retried), dropped \(counters.dropped) in \(String(format: "%.2f", seconds)) s")
            exit(counters.failed == 0 && counters.dropped == 0 ? 0 : 1)
        } catch {
            print("could not run the emitter: \(error)")
            exit(1)
        }
    }
}
