import ArgumentParser
import Foundation
import HeraldBench
import HeraldCore
import HeraldServer

/// `herald bench`: Herald's throughput, latency and memory on this machine, measured through
/// its public API against a receiver.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest, delivery, end-to-end rate, latency and memory through the HTTP API.",
        discussion: """
            Without --server it starts its own: `herald sink` (unless --receiver) and --processes \
            `herald serve` on --database, all on loopback. Prints a table, or JSON with --json. \
            With --every it trickles one message at that interval to --server until stopped.
            """
    )

    @Option(name: .long, help: "Messages per run.")
    var count = 100_000

    @Option(name: .long, help: "Concurrent connections posting.")
    var connections = 64

    @Option(name: .long, help: "Messages per batch POST; 1 posts them one by one.")
    var batch = 1

    @Option(name: .long, help: "Bytes of each message's JSON payload.")
    var payloadBytes = 300

    @Option(name: .long, help: "Messages a second offered in the latency run; 0 skips it.")
    var rate = 1_000

    @Option(name: .long, help: "How long the latency run offers its rate, such as 10s.")
    var latencyDuration = "10s"

    @Option(name: .long, help: "A running Herald to measure (then --key and --admin-key are its keys).")
    var server: String?

    @Option(name: .long, help: "Where the servers the bench starts deliver (default: a `herald sink` it starts), such as an nginx URL.")
    var receiver: String?

    @Option(name: .long, help: "SQLite path or postgres:// URL for the servers the bench starts (default: a new SQLite file).")
    var database: String?

    @Option(name: .long, help: "full, normal or off: SQLite's durability for the servers the bench starts.")
    var durability = "full"

    @Option(name: .long, help: "How many `herald serve` processes to start (more than one needs PostgreSQL).")
    var processes = 1

    @Option(name: .long, help: "The tenant key (default: HERALD_API_KEY, or one the bench sets).")
    var key: String?

    @Option(name: .long, help: "The admin key, to pause and resume (default: HERALD_ADMIN_KEY, or one the bench sets).")
    var adminKey: String?

    @Option(name: .long, help: "Trickle mode: one message at this interval (such as 45s) to --server until stopped.")
    var every: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard count > 0, connections > 0, (1...1000).contains(batch), payloadBytes >= 0, rate >= 0, processes > 0 else {
            throw ValidationError("--count, --connections and --processes must be above 0, --batch 1 to 1000, --payload-bytes and --rate 0 or more")
        }
        guard DurationText.parse(latencyDuration) != nil else { throw ValidationError("--latency-duration must be a duration such as 10s") }
        if let every, DurationText.parse(every) == nil { throw ValidationError("--every must be a duration such as 45s") }
        guard ["full", "normal", "off"].contains(durability) else { throw ValidationError("--durability must be full, normal or off") }
        if processes > 1, !(database ?? "").hasPrefix("postgres") {
            throw ValidationError("--processes above 1 needs a shared PostgreSQL: give --database postgres://…")
        }
        if let server, URL(string: server)?.host == nil { throw ValidationError("--server must be a URL such as http://127.0.0.1:8080") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var settings = BenchSettings()
        settings.count = count
        settings.connections = connections
        settings.batchSize = batch
        settings.payloadBytes = payloadBytes
        settings.latencyRate = rate
        settings.latencyDuration = DurationText.parse(latencyDuration) ?? .seconds(10)
        settings.serverURL = server.flatMap(URL.init(string:))
        settings.receiverURL = receiver
        settings.database = database
        settings.durability = durability
        settings.processes = processes
        if let key = key ?? (server != nil ? environment["HERALD_API_KEY"] : nil) { settings.apiKey = key }
        if let adminKey = adminKey ?? (server != nil ? environment["HERALD_ADMIN_KEY"] : nil) { settings.adminKey = adminKey }
        settings.binary = Bundle.main.executablePath ?? CommandLine.arguments[0]

        let bench = Bench(settings: settings) { step in FileHandle.standardError.write(Data((step + "\n").utf8)) }
        if let every = every.flatMap(DurationText.parse) {
            try await bench.trickle(every: every) { line in HeraldServerBuilder.writeAtOnce(line) }
            return
        }
        let report = try await bench.run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table)
        }
    }
}
