public import AsyncHTTPClient
public import Foundation
public import HeraldCore
public import Logging

/// Moves chat-bot users to another form straight at a bot server, with no Herald server in
/// between: `POST` to the bot server's synthetic-event URL with the same JSON the `botserver`
/// channel sends, `{"user", "page", "event": {"type": "bailout", "value": {"form", "metadata"}}}`.
///
/// ```swift
/// let sender = BailoutSender(url: URL(string: "https://bots.example.com/synthetic")!, delay: .seconds(1))
/// let (succeeded, lastError) = await sender.sendBailouts(
///     [BailoutTarget(user: "u-1", page: "checkout")], form: "survey", metadata: ["campaign": .string("spring")]
/// )
/// ```
public struct BailoutSender: Sendable {
    public let url: URL
    /// The wait between two sends of ``sendBailouts(_:form:metadata:)`` (not after the last).
    public let delay: Duration
    /// Log what would be sent, send nothing.
    public let dryRun: Bool
    private let transport: any EmitterTransport
    private let clock: any WallClock
    private let logger: Logger

    /// - Parameters:
    ///   - url: the bot server's synthetic-event endpoint.
    ///   - httpClient: one client, reused for every send (the shared one by default).
    ///   - transport: how requests go out; by default `httpClient` with `timeout`.
    public init(
        url: URL, delay: Duration = .zero, dryRun: Bool = false, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10),
        transport: (any EmitterTransport)? = nil, clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "herald.bailout")
    ) {
        self.url = url
        self.delay = max(.zero, delay)
        self.dryRun = dryRun
        self.transport = transport ?? HTTPClientEmitterTransport(client: httpClient, timeout: timeout)
        self.clock = clock
        self.logger = logger
    }

    /// Moves one user.
    /// - Throws: ``BailoutError`` when the bot server refuses it or does not answer.
    public func sendBailout(user: String, page: String, form: String, metadata: [String: JSONValue]? = nil) async throws {
        let metadata = metadata ?? [:]
        if dryRun {
            logger.info("[DRY RUN] Would bail user=\(user) page=\(page) to form=\(form) with metadata=\(JSONWriter.string(.object(metadata)))")
            return
        }
        let response: EmitterResponse
        do {
            response = try await transport.post(
                url: url, headers: ["content-type": "application/json", "user-agent": "HeraldClient"],
                body: BailoutBody.make(user: user, page: page, form: form, metadata: metadata)
            )
        } catch {
            logger.warning("Failed to bail user=\(user) page=\(page): \(error)")
            throw BailoutError.noAnswer("\(error)")
        }
        guard (200..<300).contains(response.status) else {
            let excerpt = String(decoding: response.body.prefix(200), as: UTF8.self)
            logger.warning("Failed to bail user=\(user) page=\(page): HTTP \(response.status) \(excerpt)")
            throw BailoutError.refused(status: response.status, body: excerpt)
        }
        logger.info("Successfully bailed user=\(user) page=\(page) to form=\(form)")
    }

    /// Moves each user in turn, waiting ``delay`` between sends, and keeps going past failures.
    /// Stops early, between sends, when its task is cancelled (Ctrl-C in `herald bail`).
    /// - Parameter progress: told after each send how many have been tried.
    /// - Returns: how many went through (all of them in a dry run), and the last failure.
    public func sendBailouts(
        _ targets: [BailoutTarget], form: String, metadata: [String: JSONValue]? = nil, progress: (@Sendable (Int) -> Void)? = nil
    ) async -> (succeeded: Int, lastError: (any Error)?) {
        var succeeded = 0
        var lastError: (any Error)?
        for (index, target) in targets.enumerated() {
            if index > 0, delay > .zero {
                do { try await clock.sleep(for: delay) } catch { break }
            }
            guard !Task.isCancelled else { break }
            do {
                try await sendBailout(user: target.user, page: target.page, form: form, metadata: metadata)
                succeeded += 1
            } catch {
                lastError = error
            }
            progress?(index + 1)
        }
        return (succeeded, lastError)
    }
}

/// One user to move: who, and the page they are on.
public struct BailoutTarget: Sendable, Hashable {
    public var user: String
    public var page: String

    public init(user: String, page: String) {
        self.user = user
        self.page = page
    }
}

/// Why a bailout did not go through.
public enum BailoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bot server answered with a status outside 2xx.
    case refused(status: Int, body: String)
    /// No answer: connection refused, reset, or timed out.
    case noAnswer(String)

    public var description: String {
        switch self {
        case .refused(let status, let body): "the bot server answered HTTP \(status)\(body.isEmpty ? "" : ": \(body)")"
        case .noAnswer(let reason): "the bot server did not answer: \(reason)"
        }
    }
}
