public import HeraldSink

/// The providers' stand-in the tests send to: `herald sink --provider`'s own code, so what the
/// tests prove is what users run.
public typealias FakeProvider = ProviderSink

extension ProviderSink {
    /// Runs the sink on a free loopback port, with its status callbacks, while `body` runs,
    /// passing it the base URL (`http://127.0.0.1:port`).
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = application(host: "127.0.0.1", port: 0) { port in continuation.yield(port) }
        return try await withRunningServices([app, callbacks]) { _ in
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            return try await body("http://127.0.0.1:\(port)")
        }
    }
}
