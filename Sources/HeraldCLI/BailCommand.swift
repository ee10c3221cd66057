import ArgumentParser
import Foundation
import HeraldClient
import HeraldCore
import Logging

/// `herald bail`: move bot users to another form, through Herald or straight at the bot server.
struct BailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bail",
        abstract: "Move bot users to another form (bot-server bailouts).",
        discussion: """
            FILE holds user,page pairs: CSV (a user,page header is optional) or JSON lines
            ({"user": "u-1", "page": "checkout"}); - reads standard input. A bad line is reported with
            its number and skipped. Ctrl-C stops between sends and still prints the summary. The exit
            status is 0 only when every bailout went through (or all were a dry run).

            Through Herald (channel botserver), the profile's rate or delay paces the sends; with
            --direct, --delay or --rate paces them here.

            Examples:
              herald bail users.csv --form survey --metadata '{"campaign": "spring"}'
              herald bail users.csv --form survey --direct --url https://bots.example.com/synthetic --delay 1s
              herald bail users.csv --form survey --direct --url https://bots.example.com/synthetic --dry-run
            """
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "The users and pages: CSV or JSON lines (- for standard input).")
    var file: String
    @Option(help: "The form to move them to.")
    var form: String
    @Option(help: "A JSON object sent with each bailout.")
    var metadata: String?
    @Option(help: "Through Herald: the botserver profile's name.")
    var profile: String?
    @Flag(help: "Send straight to the bot server (--url), not through Herald.")
    var direct = false
    @Option(help: "With --direct: the bot server's synthetic-event URL.")
    var url: String?
    @Option(help: "With --direct: the wait between sends, such as 1s or 500ms.")
    var delay: String?
    @Option(help: "With --direct: sends a second (instead of --delay).")
    var rate: Double?
    @Flag(name: .customLong("dry-run"), help: "Send nothing; say what would be sent.")
    var dryRun = false

    func validate() throws {
        if delay != nil, rate != nil { throw ValidationError("give --delay or --rate, not both") }
        if let rate, !(rate > 0 && rate <= 10_000) { throw ValidationError("--rate must be more than 0 and at most 10000") }
        if let delay, DurationText.parse(delay) == nil { throw ValidationError("--delay must be a duration such as 1s or 500ms (got '\(delay)')") }
        if direct, url == nil { throw ValidationError("--direct needs --url, the bot server's synthetic-event URL") }
        if !direct, url != nil { throw ValidationError("--url is for --direct; through Herald the profile names the bot server") }
    }

    func run() async throws {
        let list = BailoutTargetList(parsing: try Terminal.read(file))
        for problem in list.problems { Terminal.note("skipped \(problem)") }
        let extra = try Terminal.metadata(metadata)
        let targets = list.targets
        let work = Task { () -> (succeeded: Int, lastError: (any Error)?) in
            direct ? await sendDirect(targets, extra) : await sendThroughHerald(targets, extra)
        }
        // Ctrl-C: stop between sends, then report.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { work.cancel() }
        interrupt.resume()
        let (succeeded, lastError) = await work.value
        interrupt.cancel()
        signal(SIGINT, SIG_DFL)

        let interrupted = work.isCancelled
        if client.json {
            Terminal.printJSON(JSONValue.object([
                "total": .integer(Int64(targets.count)), "succeeded": .integer(Int64(succeeded)),
                "unreadable_lines": .integer(Int64(list.problems.count)), "interrupted": .bool(interrupted),
                "last_error": lastError.map { .string("\($0)") } ?? .null, "dry_run": .bool(dryRun),
            ]))
        } else {
            let verb = dryRun ? "would be bailed" : "bailed"
            print("\(succeeded) of \(targets.count) \(verb)\(interrupted ? " (interrupted)" : "")" + (lastError.map { "; last error: \($0)" } ?? ""))
        }
        if interrupted { throw ExitCode(130) }
        if succeeded < targets.count || !list.problems.isEmpty { throw ExitCode.failure }
    }

    private func sendDirect(_ targets: [BailoutTarget], _ extra: [String: JSONValue]?) async -> (succeeded: Int, lastError: (any Error)?) {
        guard let url = url.flatMap(URL.init(string:)) else { return (0, CommandError("--url is not a URL")) }
        let pause = rate.map { Duration.seconds(1 / $0) } ?? delay.flatMap(DurationText.parse) ?? .zero
        var logger = Logger(label: "herald.bail")
        logger.logLevel = client.json ? .warning : .info
        let sender = BailoutSender(url: url, delay: pause, dryRun: dryRun, logger: logger)
        let total = targets.count
        return await sender.sendBailouts(targets, form: form, metadata: extra) { done in
            Terminal.progress(done, of: total, label: "bailing")
        }
    }

    private func sendThroughHerald(_ targets: [BailoutTarget], _ extra: [String: JSONValue]?) async -> (succeeded: Int, lastError: (any Error)?) {
        let herald: Herald
        do { herald = try client.herald() } catch { return (0, error) }
        var succeeded = 0
        var lastError: (any Error)?
        for start in stride(from: 0, to: targets.count, by: 500) {
            guard !Task.isCancelled else { break }
            let chunk = targets[start..<min(start + 500, targets.count)].map { target in
                var message = OutgoingMessage.bailout(user: target.user, page: target.page, form: form, metadata: extra, profile: profile)
                if dryRun { message.dryRun = true }
                return message
            }
            do {
                let result = try await herald.sendBatch(chunk)
                for outcome in result.outcomes {
                    switch outcome {
                    case .accepted, .existing: succeeded += 1
                    case .rejected(let error): lastError = error
                    }
                }
            } catch {
                lastError = error
            }
            Terminal.progress(min(start + 500, targets.count), of: targets.count, label: "queueing")
        }
        return (succeeded, lastError)
    }
}
