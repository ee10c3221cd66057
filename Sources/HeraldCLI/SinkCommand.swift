import ArgumentParser
import HeraldCore
import HeraldServer
import HeraldSink
import Hummingbird
import Logging

/// `herald sink`: a local webhook receiver, or a local stand-in for WhatsApp, Twilio or a bot
/// server, for demos, tests and benchmarks.
struct SinkCommand: AsyncParsableCommand {
    /// What the sink stands in for.
    enum Provider: String, ExpressibleByArgument, CaseIterable {
        case webhook, whatsapp, twilio, botserver
    }

    static let configuration = CommandConfiguration(
        commandName: "sink",
        abstract: "Receive webhooks locally, or stand in for WhatsApp, Twilio or a bot server.",
        discussion: """
            webhook (the default): counts deliveries by webhook-id, verifies signatures, answers as told; \
            GET /stats shows the counts, GET /deliveries the deliveries per webhook-id.

            whatsapp, twilio, botserver: answers sends in the provider's own wire format and sends its signed \
            status callbacks back to Herald; GET /stats shows the counts, GET /received the last 1,000 requests \
            (credentials masked).

            Examples:
              herald sink --provider whatsapp --token wa-token --app-secret wa-secret \\
                --callback-url http://127.0.0.1:8080/api/v1/callbacks/whatsapp --port 9091
              herald sink --provider twilio --auth-token tw-token --fail-code 30003 --fail-mode callback --failure-rate 0.2
            """
    )

    @Option(name: .long, help: "What to stand in for: webhook, whatsapp, twilio or botserver.")
    var provider = Provider.webhook

    @Option(name: .long, help: "whatsapp: the bearer token sends must carry (Graph error 190 otherwise).")
    var token: String?

    @Option(name: .long, help: "twilio: the auth token sends' basic auth must carry (error 20003 otherwise); signs the status callbacks.")
    var authToken: String?

    @Option(name: .long, help: "whatsapp: the app secret that signs the status callbacks.")
    var appSecret: String?

    @Option(name: .long, help: "whatsapp: where to send the status callbacks (Herald's /api/v1/callbacks/whatsapp).")
    var callbackURL: String?

    @Option(name: .long, help: "Wait before each status callback, such as 1s.")
    var callbackDelay = "1s"

    @Option(name: .long, help: "A Graph or Twilio error code to stage (131026, 21211, 30003, …) for --failure-rate of the sends (all when it is not set).")
    var failCode: Int?

    @Option(name: .long, help: "send: the send is answered with the error; callback: accepted, then reported failed by a status callback.")
    var failMode = "send"

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on.")
    var port = 9090

    @Option(name: .long, help: "The whsec_… secret: verify signatures and answer 401 to bad ones.")
    var secret: String?

    @Option(name: .long, help: "Status of a normal answer.")
    var status = 200

    @Option(name: .long, help: "Share of requests (0–1) answered with --failure-status instead (with --fail-code: the share that gets it).")
    var failureRate: Double?

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
        if let failureRate, !(0...1).contains(failureRate) { throw ValidationError("--failure-rate must be between 0 and 1") }
        guard ProviderSinkOptions.FailMode(rawValue: failMode) != nil else { throw ValidationError("--fail-mode must be send or callback") }
        guard DurationText.parse(callbackDelay) != nil else { throw ValidationError("--callback-delay must be a duration such as 1s") }
        switch provider {
        case .webhook:
            for (flag, given) in [("--token", token != nil), ("--auth-token", authToken != nil), ("--app-secret", appSecret != nil),
                                  ("--callback-url", callbackURL != nil), ("--fail-code", failCode != nil)] where given {
                throw ValidationError("\(flag) is for --provider whatsapp, twilio or botserver")
            }
        case .whatsapp:
            if (appSecret == nil) != (callbackURL == nil) {
                throw ValidationError("status callbacks need both --app-secret (to sign them) and --callback-url (where Herald takes them)")
            }
            if secret != nil { throw ValidationError("--secret is for --provider webhook") }
        case .twilio, .botserver:
            if secret != nil { throw ValidationError("--secret is for --provider webhook") }
        }
        guard failFirst >= 0 else { throw ValidationError("--fail-first must be 0 or more") }
        guard (100...599).contains(status), (100...599).contains(failureStatus) else {
            throw ValidationError("--status and --failure-status must be HTTP status codes")
        }
        guard DurationText.parse(delay) != nil else { throw ValidationError("--delay must be a duration such as 200ms") }
    }

    func run() async throws {
        let logger = LoggingSetup.logger(label: "herald-sink", level: logLevel)
        guard provider == .webhook else { return try await runProvider(logger: logger) }
        let behaviour = SinkBehaviour(
            status: status, failureRate: failureRate ?? 0, failureStatus: failureStatus,
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

    /// WhatsApp, Twilio or a bot server: the provider sink and its status callbacks, until
    /// SIGINT or SIGTERM.
    private func runProvider(logger: Logger) async throws {
        let options = ProviderSinkOptions(
            token: token, authToken: authToken, appSecret: appSecret, callbackURL: callbackURL,
            callbackDelay: DurationText.parse(callbackDelay) ?? .seconds(1), failCode: failCode, failureRate: failureRate,
            failMode: ProviderSinkOptions.FailMode(rawValue: failMode) ?? .send
        )
        // Ids of this run differ from any earlier run's: Herald matches receipts by them.
        // --status other than 200 answers every send with it (and --retry-after), as for webhooks.
        let replies: [ProviderSink.Reply] = status == 200 ? [.ok] : [.status(status, retryAfter: retryAfter)]
        let sink = ProviderSink(replies: replies, options: options, idTag: String(UInt32.random(in: 0...UInt32.max), radix: 16), logger: logger)
        let name = provider.rawValue
        let app = sink.application(host: host, port: port, services: [sink.callbacks]) { port in
            HeraldServerBuilder.writeAtOnce("herald sink (\(name)) listening on http://\(host):\(port)")
        }
        try await app.runService()
    }
}
