import ArgumentParser
import Foundation
import HeraldClient
import HeraldCore

/// `herald messages …`: list, read, cancel and retry the tenant's messages.
struct MessagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messages",
        abstract: "List, read, cancel and retry messages.",
        discussion: """
            Examples:
              herald messages                          (the newest 20)
              herald messages list --status failed --limit 100
              herald messages show msg_01JD…
              herald messages attempts msg_01JD…
              herald messages retry msg_01JD…
            """,
        subcommands: [List.self, Show.self, Attempts.self, Cancel.self, Retry.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The newest messages first.")

        @OptionGroup var client: ClientOptions
        @Option(help: "How many (1–1000).")
        var limit = 20
        @Option(help: "Only these statuses, comma-separated (queued,failed…).")
        var status: String?
        @Option(help: "Only this channel.")
        var channel: String?
        @Option(help: "Only messages to this recipient.")
        var to: String?
        @Option(help: "The next_cursor a previous page printed.")
        var cursor: String?
        @Flag(help: "The tenant's status events instead of its messages.")
        var events = false

        func run() async throws {
            var statuses: [MessageStatus] = []
            for name in status?.split(separator: ",") ?? [] {
                guard let status = MessageStatus(rawValue: String(name)) else {
                    throw ValidationError("unknown status '\(name)'; known: \(MessageStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                statuses.append(status)
            }
            let page = try await client.herald().list(MessageListQuery(
                limit: limit, cursor: cursor, statuses: statuses, channel: channel, recipient: to, events: events
            ))
            if client.json {
                Terminal.printJSON(page.messages)
                return
            }
            Terminal.printTable([["ID", "STATUS", "CHANNEL", "TO", "ATTEMPTS", "CREATED"]] + page.messages.map { message in
                [message.id, message.status.rawValue, message.channel, message.to ?? message.url ?? "", "\(message.attempts)", Timestamp.format(message.createdAt)]
            })
            if let next = page.nextCursor { print("more: --cursor \(next)") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One message, in full.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The message's id.") var id: String

        func run() async throws {
            let message = try await client.herald().message(id: id)
            if client.json { Terminal.printJSON(message) } else { MessagesCommand.describe(message) }
        }
    }

    struct Attempts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A message's delivery log.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The message's id.") var id: String

        func run() async throws {
            let attempts = try await client.herald().attempts(id: id)
            if client.json {
                Terminal.printJSON(JSONValue.array(attempts.map { attempt in
                    .object([
                        "number": .integer(Int64(attempt.number)), "started_at": .string(Timestamp.format(attempt.startedAt)),
                        "duration_ms": .integer(Int64((attempt.duration.seconds * 1000).rounded())),
                        "http_status": attempt.httpStatus.map { .integer(Int64($0)) } ?? .null, "outcome": .string(attempt.outcome),
                        "error": attempt.error.map(JSONValue.string) ?? .null,
                    ])
                }))
                return
            }
            Terminal.printTable([["#", "STARTED", "TOOK", "HTTP", "OUTCOME", "ERROR"]] + attempts.map { attempt in
                [
                    "\(attempt.number)", Timestamp.format(attempt.startedAt), DurationText.format(attempt.duration),
                    attempt.httpStatus.map(String.init) ?? "-", attempt.outcome, attempt.error ?? "",
                ]
            })
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a scheduled or queued message.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The message's id.") var id: String

        func run() async throws {
            let message = try await client.herald().cancel(id: id)
            if client.json { Terminal.printJSON(message) } else { print("\(message.id)  \(message.status.rawValue)") }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a failed message again.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The message's id.") var id: String

        func run() async throws {
            let message = try await client.herald().retry(id: id)
            if client.json { Terminal.printJSON(message) } else { print("\(message.id)  \(message.status.rawValue)") }
        }
    }

    /// A message as `show` prints it: one field a line.
    static func describe(_ message: MessageInfo) {
        var rows: [(String, String?)] = [
            ("id", message.id), ("status", message.status.rawValue), ("channel", message.channel), ("to", message.to),
            ("url", message.url), ("content", message.content), ("attempts", "\(message.attempts)"),
            ("provider id", message.providerMessageID), ("failure", message.failureReason),
            ("created", Timestamp.format(message.createdAt)),
        ]
        rows += [("sent", message.sentAt), ("delivered", message.deliveredAt), ("read", message.readAt), ("failed", message.failedAt)]
            .map { ($0.0, $0.1.map(Timestamp.format)) }
        if !message.metadata.isEmpty { rows.append(("metadata", JSONWriter.string(.object(message.metadata)))) }
        Terminal.printTable([["FIELD", "VALUE"]] + rows.compactMap { name, value in value.map { [name, $0] } })
    }
}
