import ArgumentParser
import HeraldCore
import HeraldServer
import HeraldSink
import Hummingbird

/// `herald sink`: a local webhook receiver for demos, tests and benchmarks.
struct SinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink",
        abstract: "Receive webhooks locally: count them, verify signatures, answer as told.",
        discussion: "GET /stats shows the counts; GET /deliveries shows deliveries per webhook-id."
    )

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on.")
    var port = 9090

    @Option(name: .long, help: "The whsec_… secret: verify signatures and answer 401 to bad ones.")
    var secret: String?

    @Option(name: .long, help: "Status of a normal answer.")
    var status = 200

    @Option(name: .long, help: "Share of requests (0–1) answered with --failure-status instead.")
    var failureRate = 0.0

    @Option(name: .long, help: "Status of a failure answer.")
    var failureStatus = 503

    @Option(name: .long, help: "Retry-After header on failure answers (seconds or an HTTP date).")
    var retryAfter: String?

    @Option(name: .long, help: "Wait before answering, such as 200ms.")
    var delay = "0s"

    @Option(name: .long, help: "Answer --failure-status to the first K requests of each webhook-id, then --status.")
    var failFirst = 0

    @Option(name: .long, help: "Log level; debug logs every request.")
    var logLevel = "info"

    func validate() throws {
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be between 0 and 1") }
        guard failFirst >= 0 else { throw ValidationError("--fail-first must be 0 or more") }
        guard (100...599).contains(status), (100...599).contains(failureStatus) else {
            throw ValidationError("--status and --failure-status must be HTTP status codes")
        }
        guard DurationText.parse(delay) != nil else { throw ValidationError("--delay must be a duration such as 200ms") }
    }

    func run() async throws {
        let logger = LoggingSetup.logger(label: "herald-sink", level: logLevel)
        let behaviour = SinkBehaviour(
            status: status, failureRate: failureRate, failureStatus: failureStatus,
            retryAfter: retryAfter, delay: DurationText.parse(delay) ?? .zero, failFirst: failFirst
        )
        let sink: SinkServer
        do {
            sink = try SinkServer(behaviour: behaviour, secret: secret, logger: logger)
        } catch {
            throw ValidationError("\(error)")
        }
        let app = sink.application(host: host, port: port) { port in
            // At once, not left in stdout's buffer: scripts and tests wait for this line on a pipe.
            HeraldServerBuilder.writeAtOnce("herald sink listening on http://\(host):\(port)")
        }
        try await app.runService()
    }
}
