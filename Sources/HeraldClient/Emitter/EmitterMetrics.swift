import Metrics

/// The emitter's counters as swift-metrics reports them (to whatever backend the application
/// bootstrapped): `herald_emitter_messages_total` by `outcome` (added, sent, failed, dropped),
/// `herald_emitter_retries_total`, and the gauge `herald_emitter_buffered`.
struct EmitterMetrics: Sendable {
    let added = Counter(label: "herald_emitter_messages_total", dimensions: [("outcome", "added")])
    let sent = Counter(label: "herald_emitter_messages_total", dimensions: [("outcome", "sent")])
    let failed = Counter(label: "herald_emitter_messages_total", dimensions: [("outcome", "failed")])
    let dropped = Counter(label: "herald_emitter_messages_total", dimensions: [("outcome", "dropped")])
    let retried = Counter(label: "herald_emitter_retries_total")
    let buffered = Gauge(label: "herald_emitter_buffered")
}
