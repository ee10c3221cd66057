import Foundation
public import HeraldSink
import Hummingbird
import Logging
import ServiceLifecycle

/// Runs a `SinkServer` on an ephemeral loopback port while `body` runs.
public func withSink<T: Sendable>(
    secret: String,
    behaviour: SinkBehaviour = .init(),
    _ body: @Sendable (_ url: String, _ ledger: SinkLedger) async throws -> T
) async throws -> T {
    let logger = Logger(label: "sink", factory: { _ in SwiftLogNoOpLogHandler() })
    let sink = try SinkServer(behaviour: behaviour, secret: secret, logger: logger)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = sink.application(host: "127.0.0.1", port: 0) { port in continuation.yield(port) }
    let group = ServiceGroup(services: [app], logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { tasks in
        tasks.addTask {
            try await group.run()
            return nil
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let result = try await body("http://127.0.0.1:\(port)/hook", sink.ledger)
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return result
    }
}
