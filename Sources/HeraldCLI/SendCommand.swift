import ArgumentParser
import Foundation
import HeraldClient
import HeraldCore

/// `herald send`: one message from flags, or many from a JSON-lines file through the batch route.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send one message, or many from a JSON-lines file.",
        discussion: """
            Examples:
              herald send --channel whatsapp --to +31612345678 --content 'Your order has shipped'
              herald send --url https://example.com/hook --content hi --metadata '{"order_id": "A-1"}' --wait
              herald send --file messages.jsonl        (one POST /api/v1/messages body per line; - reads stdin)
            """
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "webhook, whatsapp, twilio or botserver (default: the profile's or the server's).")
    var channel: String?
    @Option(help: "The recipient: a phone number, or a bot user.")
    var to: String?
    @Option(help: "The text.")
    var content: String?
    @Option(help: "Webhooks: where to POST.")
    var url: String?
    @Option(help: "A JSON object kept with the message.")
    var metadata: String?
    @Option(help: "The sender profile's name.")
    var profile: String?
    @Option(name: .customLong("idempotency-key"), help: "Send it at most once per key.")
    var idempotencyKey: String?
    @Flag(help: "Wait (up to 30 s) for the first attempt and print its outcome.")
    var wait = false
    @Option(help: "Messages as JSON lines (- for standard input), sent in batches.")
    var file: String?

    func run() async throws {
        let herald = try client.herald()
        if let file {
            try await sendMany(try Terminal.read(file), herald)
            return
        }
        var message = OutgoingMessage(channel: channel, to: to, url: url, content: content, metadata: try Terminal.metadata(metadata), profile: profile)
        message.idempotencyKey = idempotencyKey
        let stored = wait ? try await herald.sendAndWait(message, timeout: .seconds(30)) : try await herald.send(message)
        if client.json {
            Terminal.printJSON(stored)
        } else {
            print(Self.summary(of: stored, now: Date()))
        }
        if stored.status.isFailure { throw ExitCode.failure }
    }

    /// One line: the id and status, and for a message waiting for its next attempt, how the last
    /// one went and when the next is due.
    static func summary(of message: MessageInfo, now: Date) -> String {
        var line = "\(message.id)  \(message.status.rawValue)"
        if let reason = message.failureReason {
            line += " — \(reason)"
        } else if message.status.isPending, message.attempts > 0 {
            line += " — attempt \(message.attempts): \(message.lastError ?? "did not go through")"
            if let next = message.nextAttemptAt {
                let wait = max(0, next.timeIntervalSince(now))
                line += "; next attempt at \(Timestamp.format(next)) (in \(DurationText.format(.milliseconds(Int64(wait * 1000)))))"
            }
        }
        return line
    }

    private func sendMany(_ text: String, _ herald: Herald) async throws {
        let list = OutgoingMessageList(parsing: text)
        for problem in list.problems { Terminal.note("skipped \(problem)") }
        var accepted = 0, existing = 0
        var rejected: [(line: Int, error: HeraldClientError)] = []
        var outcomes: [[String: JSONValue]] = []
        let batchSize = 500
        for start in stride(from: 0, to: list.messages.count, by: batchSize) {
            let end = min(start + batchSize, list.messages.count)
            let result = try await herald.sendBatch(Array(list.messages[start..<end]))
            for (offset, outcome) in result.outcomes.enumerated() {
                let line = list.lines[start + offset]
                switch outcome {
                case .accepted(let message):
                    accepted += 1
                    outcomes.append(["line": .integer(Int64(line)), "status": .string("accepted"), "id": .string(message.id)])
                case .existing(let message):
                    existing += 1
                    outcomes.append(["line": .integer(Int64(line)), "status": .string("existing"), "id": .string(message.id)])
                case .rejected(let error):
                    rejected.append((line, error))
                    outcomes.append(["line": .integer(Int64(line)), "status": .string("rejected"), "error": .string(error.description)])
                }
            }
            Terminal.progress(end, of: list.messages.count, label: "sending")
        }
        if client.json {
            Terminal.printJSON(JSONValue.object([
                "accepted": .integer(Int64(accepted)), "existing": .integer(Int64(existing)), "rejected": .integer(Int64(rejected.count)),
                "unreadable_lines": .array(list.problems.map { .object(["line": .integer(Int64($0.line)), "reason": .string($0.reason)]) }),
                "results": .array(outcomes.map(JSONValue.object)),
            ]))
        } else {
            for (line, error) in rejected { Terminal.note("line \(line): \(error)") }
            print("accepted \(accepted), already there \(existing), rejected \(rejected.count), unreadable lines \(list.problems.count)")
        }
        if !rejected.isEmpty || !list.problems.isEmpty { throw ExitCode.failure }
    }
}
