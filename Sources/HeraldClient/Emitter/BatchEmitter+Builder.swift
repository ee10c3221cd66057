public import Foundation
public import HeraldCore
public import Logging

extension BatchEmitter {
    /// Collects a ``BatchEmitter``'s settings; ``build()`` refuses a missing or impossible one.
    ///
    /// ```swift
    /// let emitter = try BatchEmitter.builder()
    ///     .serverURL(URL(string: "http://localhost:8080")!).apiKey(key)
    ///     .retryPolicy(.maxRetries(10)).eventStore(BoundedMemoryEventStore(capacity: 50_000))
    ///     .build()
    /// ```
    public struct Builder: Sendable {
        private var destination: Destination?
        private var apiKey: String?
        private var batchSize = 500
        private var maxInFlight = 4
        private var whenFull = BufferFullPolicy.wait
        private var retryPolicy = EmitterRetryPolicy.maxRetries(10)
        private var closeDeadline: Duration = .seconds(10)
        private var store: (any EmitterEventStore)?
        private var transport: (any EmitterTransport)?
        private var clock: any WallClock = SystemWallClock()
        private var random: @Sendable () -> Double = { Double.random(in: 0...1) }
        private var onFailure: (@Sendable (OutgoingMessage, HeraldClientError) -> Void)?
        private var logger = Logger(label: "herald.emitter")

        /// A Herald server (its base URL): batches go to its `/api/v1/messages/batch`.
        public func serverURL(_ url: URL) -> Self { with { $0.destination = .herald(url) } }
        /// Any URL taking a JSON array of messages, instead of a Herald server.
        public func collectorURL(_ url: URL) -> Self { with { $0.destination = .collector(url) } }
        /// The tenant key (required for a Herald server), sent as `Authorization: Bearer`.
        public func apiKey(_ key: String) -> Self { with { $0.apiKey = key } }
        /// Messages per request: 1–1,000 (default 500).
        public func batchSize(_ size: Int) -> Self { with { $0.batchSize = size } }
        /// Requests in flight at once (default 4).
        public func maxInFlight(_ count: Int) -> Self { with { $0.maxInFlight = count } }
        /// What ``BatchEmitter/add(_:)`` does when the buffer is full (default: wait).
        public func whenFull(_ policy: BufferFullPolicy) -> Self { with { $0.whenFull = policy } }
        /// How failed batches are retried (default: 10 retries, 100 ms doubling to 60 s, full jitter).
        public func retryPolicy(_ policy: EmitterRetryPolicy) -> Self { with { $0.retryPolicy = policy } }
        /// Where messages wait (default: ``BoundedMemoryEventStore`` of 10,000).
        public func eventStore(_ store: any EmitterEventStore) -> Self { with { $0.store = store } }
        /// How batches are posted (default: ``HTTPClientEmitterTransport``).
        public func transport(_ transport: any EmitterTransport) -> Self { with { $0.transport = transport } }
        /// How long graceful shutdown lets it send what is left (default 10 s).
        public func closeDeadline(_ deadline: Duration) -> Self { with { $0.closeDeadline = deadline } }
        /// Told of each message that definitively failed, with why.
        public func onFailure(_ handler: @escaping @Sendable (OutgoingMessage, HeraldClientError) -> Void) -> Self { with { $0.onFailure = handler } }
        public func logger(_ logger: Logger) -> Self { with { $0.logger = logger } }
        /// The clock delays are measured by (tests move a manual one).
        public func clock(_ clock: any WallClock) -> Self { with { $0.clock = clock } }
        /// The source of jitter: a number in 0...1 (tests fix it).
        public func random(_ source: @escaping @Sendable () -> Double) -> Self { with { $0.random = source } }

        /// - Throws: ``EmitterConfigurationError`` naming the setting that is missing or out of range.
        public func build() throws(EmitterConfigurationError) -> BatchEmitter {
            guard let destination else { throw .missing("serverURL or collectorURL") }
            if case .herald = destination, apiKey?.isEmpty ?? true { throw .missing("apiKey (a tenant key of the Herald server)") }
            guard (1...1000).contains(batchSize) else { throw .invalid("batchSize must be 1 to 1,000 (got \(batchSize))") }
            guard maxInFlight >= 1 else { throw .invalid("maxInFlight must be at least 1 (got \(maxInFlight))") }
            guard retryPolicy.initialDelay >= .zero, retryPolicy.maxDelay >= retryPolicy.initialDelay else {
                throw .invalid("the retry policy's delays must be 0 or more, the longest no shorter than the first")
            }
            var configuration = Configuration(destination: destination, apiKey: apiKey)
            configuration.batchSize = batchSize
            configuration.maxInFlight = maxInFlight
            configuration.whenFull = whenFull
            configuration.retryPolicy = retryPolicy
            configuration.closeDeadline = closeDeadline
            return BatchEmitter(
                configuration: configuration, store: store ?? BoundedMemoryEventStore(), transport: transport ?? HTTPClientEmitterTransport(),
                clock: clock, random: random, onFailure: onFailure, logger: logger
            )
        }

        private func with(_ change: (inout Self) -> Void) -> Self {
            var copy = self
            change(&copy)
            return copy
        }
    }
}

/// A ``BatchEmitter/Builder`` setting that is missing or impossible.
public enum EmitterConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    case missing(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .missing(let setting): "the emitter needs \(setting)"
        case .invalid(let problem): problem
        }
    }
}
