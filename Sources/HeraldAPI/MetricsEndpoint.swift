import Foundation
public import HeraldCore
public import HeraldMetrics
public import HeraldStore
public import Prometheus

/// `GET /metrics`: the server's registry in the Prometheus text format, with the figures read
/// when scraped — the queue depth by status, from the database's counts (right across every
/// process on one PostgreSQL), and the process's resident memory. Read with the admin key or
/// from ``allowedNetworks``.
public struct MetricsEndpoint: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Networks that may read without a key.
    public let allowedNetworks: [IPNetwork]
    let store: any QueueDepthStore

    public init(registry: PrometheusCollectorRegistry, store: any QueueDepthStore, allowedNetworks: [IPNetwork] = []) {
        self.registry = registry
        self.store = store
        self.allowedNetworks = allowedNetworks
    }

    /// The metrics recorder that writes into this endpoint's registry.
    public var metrics: HeraldMetrics { Self.metrics(into: registry) }

    /// A metrics recorder that writes into `registry`, with Herald's histogram buckets.
    public static func metrics(into registry: PrometheusCollectorRegistry) -> HeraldMetrics {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets[HeraldMetrics.Names.claimBatch] = HeraldMetrics.batchSizeBuckets
        factory.valueHistogramBuckets[HeraldMetrics.Names.commitBatch] = HeraldMetrics.batchSizeBuckets
        factory.durationHistogramBuckets[HeraldMetrics.Names.httpDuration] = requestBuckets
        return HeraldMetrics(factory: factory)
    }

    /// Finer at the low end than the default (5 ms up): most answers take well under 1 ms.
    static let requestBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
    ]

    /// Whether a request from `peer` (no key) may read.
    func admits(_ peer: IPAddress?) -> Bool {
        guard let peer else { return false }
        return allowedNetworks.contains { $0.contains(peer) }
    }

    /// The exposition, with the scrape-time figures refreshed first. A database that does not
    /// answer leaves the last queue depth in place rather than failing the scrape.
    func render() async -> [UInt8] {
        if let depth = try? await store.queueDepth() {
            let descriptor = MetricNameDescriptor(
                namespace: "herald", metricName: "queue_depth", unitName: "",
                helpText: "Messages and status events in each status, over every process on the database."
            )
            for status in MessageStatus.allCases {
                registry.makeGauge(descriptor: descriptor, labels: [("status", status.rawValue)]).set(Double(depth[status] ?? 0))
            }
        }
        if let resident = Self.residentMemory() {
            registry.makeGauge(descriptor: MetricNameDescriptor(
                namespace: "process", metricName: "resident_memory", unitName: "bytes", helpText: "Resident memory size in bytes."
            )).set(Double(resident))
        }
        var text: [UInt8] = []
        registry.emit(into: &text)
        return text
    }

    /// Resident memory in bytes, from `/proc/self/statm` (its second field, in pages).
    static func residentMemory() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
