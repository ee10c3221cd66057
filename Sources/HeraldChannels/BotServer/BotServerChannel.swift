public import AsyncHTTPClient
import Foundation
public import HeraldCore
public import Logging
import NIOCore
import NIOHTTP1

/// Sends "bailout" events that move a chat-bot user to another form: `POST` to the profile's
/// `url` (the bot server's synthetic-event endpoint) the body
/// `{"user", "page", "event": {"type": "bailout", "value": {"form", "metadata"}}}`, with
/// `metadata` exactly the client's (left out when it has none). 2xx is sent; 5xx, 429 and
/// network errors retry; other 4xx fail. Each outcome is logged.
public struct BotServerChannel: DeliveryChannel {
    public let name = "botserver"
    public let retryPolicy: RetryPolicy
    public var requiresProfile: Bool { true }
    public var sendsMetadata: Bool { true }
    private let client: HTTPClient
    private let outbound: OutboundGuard
    public let timeout: Duration
    private let clock: any WallClock
    private let logger: Logger

    public init(
        client: HTTPClient, outbound: OutboundGuard = OutboundGuard(), retryPolicy: RetryPolicy, timeout: Duration = .seconds(10),
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        self.client = client
        self.outbound = outbound
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        self.clock = clock
        self.logger = logger
    }

    public func checkProfile(_ config: [String: JSONValue]) -> [FieldProblem] {
        var reader = FieldReader(object: config, prefix: "config.")
        switch reader.string("url") {
        case nil where !reader.problems.contains(where: { $0.field == "config.url" }):
            reader.report(ProfileFields.missing("url", "the bot server's synthetic-event endpoint, such as http://botserver/synthetic"))
        case let url?:
            if let problem = WebhookChannel.urlProblem(url) {
                reader.report(FieldProblem(field: "config.url", code: "invalid_url", problem: problem))
            } else if let problem = outbound.policy.problem(field: "config.url", url: url) {
                reader.report(problem)
            }
        default: break
        }
        return reader.problems + ProfileRate.problems(in: config) + ProfileFields.unknown(in: config, known: ProfileRate.settings.union(["url"]))
    }

    /// The profile's own bucket: 10 bailouts a second unless it sets `rate`/`burst`, or `delay`
    /// (the bailout sender's delay between sends).
    public func rateLimits(for request: DeliveryRequest) -> RateLimitPlan {
        ProfileRate.bucket(for: request, defaultRate: Self.defaultRate).map { RateLimitPlan(buckets: [$0]) } ?? .none
    }

    public static let defaultRate = 10.0

    public func prepare(_ draft: MessageDraft, profile: SenderProfile?) throws(HeraldError) -> MessageDraft {
        var problems: [FieldProblem] = []
        if draft.recipient == nil { problems.append(FieldProblem(field: "to", code: "missing", problem: "the bot user's id (to or user)")) }
        if draft.page == nil { problems.append(FieldProblem(field: "page", code: "missing", problem: "the page the user is on")) }
        if draft.form == nil { problems.append(FieldProblem(field: "form", code: "missing", problem: "the form to move the user to")) }
        guard problems.isEmpty else { throw .validation(problems) }
        var draft = draft
        draft.destination = profile?.setting("url").flatMap(Destination.of(url:))
        return draft
    }

    public func rehearse(_ request: DeliveryRequest) -> Rehearsal {
        let message = request.message
        let metadata = JSONWriter.string(.object(message.metadata))
        return Rehearsal(
            summary: "POST \(request.profile?.setting("url") ?? "") \(String(decoding: BailoutBody.make(for: message), as: UTF8.self))",
            logLine: "[DRY RUN] Would bail user=\(message.recipient ?? "") page=\(message.page ?? "") to form=\(message.form ?? "") with metadata=\(metadata)"
        )
    }

    public func send(_ delivery: DeliveryRequest) async -> DeliveryReport {
        let message = delivery.message
        let who = "user=\(message.recipient ?? "") page=\(message.page ?? "")"
        guard let url = delivery.profile?.setting("url") else {
            logger.error("Failed to bail \(who): the message's bot-server profile is gone or has no url")
            return DeliveryReport(outcome: .failed(reason: "the message's bot-server profile is gone or has no url"))
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: BailoutBody.make(for: message)))
        let report = await ProviderHTTP.deliver(request, client: client, outbound: outbound, timeout: timeout) { answer in
            HTTPOutcomeClassifier.classify(status: answer.status, retryAfter: answer.retryAfter, now: clock.now())
        }
        switch report.outcome {
        case .sent: logger.info("Successfully bailed \(who) to form=\(message.form ?? "")")
        case .retry(let reason, _, _), .failed(let reason), .throttled(let reason, _, _): logger.warning("Failed to bail \(who): \(reason)")
        }
        return report
    }
}
