public import CoreMetrics

/// The figures Herald reports about its own work — messages accepted, deliveries and their
/// duration, retries, claim and group-commit batch sizes, HTTP requests — recorded through
/// swift-metrics into the factory given (the server's Prometheus registry, exported at
/// `/metrics`; ``off`` records nothing). Each part of Herald gets the same value and calls the
/// one method for what it just did; the names and labels are those the exposition shows.
///
/// ```swift
/// let metrics = HeraldMetrics(factory: PrometheusMetricsFactory(registry: registry))
/// metrics.accepted(tenant: "acme", channel: "webhook", count: 3)
/// ```
public struct HeraldMetrics: Sendable {
    public let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Records nothing: for tests and library users without an exporter.
    public static let off = HeraldMetrics(factory: NOOPMetricsHandler.instance)

    /// Value-histogram buckets of the batch-size figures (messages per claim or per commit).
    public static let batchSizeBuckets: [Double] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]

    /// `count` messages of `tenant` for `channel` stored and answered "accepted".
    public func accepted(tenant: String, channel: String, count: Int = 1) {
        Counter(label: Names.accepted, dimensions: [("tenant", tenant), ("channel", channel)], factory: factory).increment(by: count)
    }

    /// One delivery attempt ended with `outcome` (`sent`, `retry`, `failed`, `throttled`,
    /// `dry_run`) after `duration` on the wire; a retry or a throttle also counts as a retry.
    public func delivery(channel: String, outcome: String, duration: Duration) {
        Counter(label: Names.deliveries, dimensions: [("channel", channel), ("outcome", outcome)], factory: factory).increment()
        Timer(label: Names.deliveryDuration, dimensions: [("channel", channel)], factory: factory).recordNanoseconds(duration.nanoseconds)
        if outcome == "retry" || outcome == "throttled" {
            Counter(label: Names.retries, dimensions: [("channel", channel)], factory: factory).increment()
        }
    }

    /// One claim took `size` messages.
    public func claimed(_ size: Int) {
        Recorder(label: Names.claimBatch, factory: factory).record(size)
    }

    /// One group commit wrote `size` messages' changes in a single transaction; `writes` is
    /// `enqueue` or `completion`.
    public func committed(_ size: Int, writes: String) {
        Recorder(label: Names.commitBatch, dimensions: [("writes", writes)], factory: factory).record(size)
    }

    /// One HTTP request to `route` (the route pattern, not the path) answered `status`.
    public func httpRequest(method: String, route: String, status: Int, duration: Duration) {
        Timer(
            label: Names.httpDuration, dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory
        ).recordNanoseconds(duration.nanoseconds)
    }

    /// The names of the metrics recorded here (the scrape-time gauges, `herald_queue_depth` and
    /// `process_resident_memory_bytes`, are the exporter's own).
    public enum Names {
        public static let accepted = "herald_messages_accepted_total"
        public static let deliveries = "herald_deliveries_total"
        public static let deliveryDuration = "herald_delivery_duration_seconds"
        public static let retries = "herald_retries_total"
        public static let claimBatch = "herald_claim_batch_size"
        public static let commitBatch = "herald_group_commit_batch_size"
        public static let httpDuration = "herald_http_request_duration_seconds"
    }
}

extension Duration {
    /// The whole nanoseconds, saturating far past any delivery's length.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
    }
}
