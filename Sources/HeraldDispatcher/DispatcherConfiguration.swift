public import HeraldCore

/// How the dispatcher claims and sends. Checked when built, so a bad value stops start-up with
/// a clear message rather than misbehaving later.
public struct DispatcherConfiguration: Sendable, Hashable {
    /// Messages between claim and recorded outcome at once: being sent, or sent and waiting for
    /// their outcome's group commit (an fsync), which is why it is well above the connections
    /// a receiver gets (`dispatcher.connections_per_host`).
    public var concurrency: Int
    /// The most messages one claim takes.
    public var batchSize: Int
    /// The share of the slots (0–1) one tenant may hold while another tenant has due work.
    public var tenantShare: Double
    /// The most sends to one destination (a receiver's scheme, host and port) at once — the
    /// connections the HTTP client opens to it. See ``destinationSlots``.
    public var connectionsPerHost: Int
    /// How long a claim holds a message; after it, another dispatcher may take the message.
    public var leaseDuration: Duration
    /// The fallback wake-up for scheduled and retried work (new work wakes the dispatcher at once).
    public var pollInterval: Duration
    /// On shutdown, how long in-flight sends may take before they are abandoned and their
    /// messages returned to the queue.
    public var shutdownGrace: Duration
    /// How many times a message's lease may expire with nothing recorded under it — a message
    /// that kills or hangs the process — before it ends `failed` with reason `poison` instead of
    /// being claimed again.
    public var maxClaims: Int

    public static let defaultConcurrency = 256
    public static let defaultBatchSize = 100
    public static let defaultLeaseDuration = Duration.seconds(30)
    public static let defaultPollInterval = Duration.seconds(1)
    public static let defaultShutdownGrace = Duration.seconds(10)
    public static let defaultMaxClaims = 5
    public static let defaultTenantShare = 0.5
    public static let defaultConnectionsPerHost = 64

    /// The most messages of one destination claimed at once: its ``connectionsPerHost`` sends,
    /// and as many again waiting for a connection, so the next request goes out the moment an
    /// answer comes back instead of after the next claim. A message over it is put back
    /// without an attempt; a hanging receiver holds no more slots than this.
    public var destinationSlots: Int { connectionsPerHost * 2 }

    /// ``tenantShare`` of the slots, at least one.
    public var tenantSlots: Int { max(1, Int((Double(concurrency) * tenantShare).rounded(.down))) }

    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` when a value is out of range.
    public init(
        concurrency: Int = defaultConcurrency,
        batchSize: Int = defaultBatchSize,
        tenantShare: Double = defaultTenantShare,
        connectionsPerHost: Int = defaultConnectionsPerHost,
        leaseDuration: Duration = defaultLeaseDuration,
        pollInterval: Duration = defaultPollInterval,
        shutdownGrace: Duration = defaultShutdownGrace,
        maxClaims: Int = defaultMaxClaims
    ) throws(HeraldError) {
        guard (1...10_000).contains(concurrency) else {
            throw .invalidConfiguration("dispatcher.concurrency must be between 1 and 10000 (got \(concurrency))")
        }
        guard (1...10_000).contains(batchSize) else {
            throw .invalidConfiguration("dispatcher.batch_size must be between 1 and 10000 (got \(batchSize))")
        }
        guard tenantShare > 0, tenantShare <= 1 else {
            throw .invalidConfiguration("dispatcher.tenant_share must be more than 0 and at most 1 (got \(tenantShare))")
        }
        guard (1...10_000).contains(connectionsPerHost) else {
            throw .invalidConfiguration("dispatcher.connections_per_host must be between 1 and 10000 (got \(connectionsPerHost))")
        }
        guard leaseDuration >= .seconds(1) else {
            throw .invalidConfiguration("dispatcher.lease_duration must be at least 1s")
        }
        guard pollInterval >= .milliseconds(10) else {
            throw .invalidConfiguration("dispatcher.poll_interval must be at least 10ms")
        }
        guard shutdownGrace >= .zero else {
            throw .invalidConfiguration("dispatcher.shutdown_grace cannot be negative")
        }
        guard (1...1000).contains(maxClaims) else {
            throw .invalidConfiguration("dispatcher.max_claims must be between 1 and 1000 (got \(maxClaims))")
        }
        self.concurrency = concurrency
        self.batchSize = batchSize
        self.tenantShare = tenantShare
        self.connectionsPerHost = connectionsPerHost
        self.leaseDuration = leaseDuration
        self.pollInterval = pollInterval
        self.shutdownGrace = shutdownGrace
        self.maxClaims = maxClaims
    }
}
