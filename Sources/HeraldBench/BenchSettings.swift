public import Foundation

/// What `herald bench` measures and against what: the load (how many messages, over how many
/// connections, alone or in batches, how large), the offered rate of the latency run, and the
/// servers — started by the bench (database, durability, processes) or given by URL.
public struct BenchSettings: Sendable {
    /// Messages per run.
    public var count = 100_000
    /// Concurrent connections posting.
    public var connections = 64
    /// Messages per `POST /api/v1/messages/batch`; 1 posts them one by one to `/api/v1/messages`.
    public var batchSize = 1
    /// Bytes of each message's JSON payload.
    public var payloadBytes = 300
    /// Messages a second offered in the latency run; 0 skips it.
    public var latencyRate = 1_000
    /// How long the latency run offers its rate.
    public var latencyDuration: Duration = .seconds(10)
    /// A Herald already running (`nil`: the bench starts its own).
    public var serverURL: URL?
    /// The receiver messages go to (`nil`: the bench starts a `herald sink`).
    public var receiverURL: String?
    /// SQLite path or `postgres://` URL for the servers the bench starts (`nil`: a new SQLite file).
    public var database: String?
    /// `full`, `normal` or `off`: SQLite's `synchronous` for the servers the bench starts.
    public var durability = "full"
    /// How many `herald serve` processes the bench starts (more than one needs PostgreSQL).
    public var processes = 1
    /// The tenant key and admin key (generated for servers the bench starts).
    public var apiKey = "bench-key"
    public var adminKey = "bench-admin-key"
    /// The `herald` binary that serves and receives (the running one by default).
    public var binary = CommandLine.arguments[0]

    public init() {}
}
