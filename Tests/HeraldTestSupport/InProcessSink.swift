public import HeraldSink
import Logging

/// Runs a `SinkServer` on an ephemeral loopback port while `body` runs.
public func withSink<T: Sendable>(
    secret: String,
    behaviour: SinkBehaviour = .init(),
    _ body: @Sendable (_ url: String, _ ledger: SinkLedger) async throws -> T
) async throws -> T {
    let sink = try SinkServer(behaviour: behaviour, secret: secret, logger: Logger(label: "sink", factory: { _ in SwiftLogNoOpLogHandler() }))
    return try await withListeningApplication({ reportPort in
        sink.application(host: "127.0.0.1", port: 0, onServerRunning: reportPort)
    }) { port in
        try await body("http://127.0.0.1:\(port)/hook", sink.ledger)
    }
}
