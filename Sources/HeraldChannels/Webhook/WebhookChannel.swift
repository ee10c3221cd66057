public import AsyncHTTPClient
import Foundation
public import HeraldCore
import NIOCore

/// Delivers messages as signed HTTP POSTs (Standard Webhooks headers) on one shared client.
public struct WebhookChannel: DeliveryChannel {
    public let name = "webhook"
    public let retryPolicy: RetryPolicy
    private let client: HTTPClient
    private let outbound: OutboundGuard
    private let configuration: WebhookConfiguration
    private let signers: [String: WebhookSigner]
    private let clock: any WallClock
    private let userAgent: String

    /// - Parameters:
    ///   - client: the shared HTTP client; the caller owns and shuts it down.
    ///   - outbound: which addresses requests may reach (by default no loopback, private or metadata one).
    ///   - configuration: endpoints, secrets, timeout.
    ///   - retryPolicy: when to retry.
    ///   - clock: the time for `webhook-timestamp` and `Retry-After` dates.
    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` for a malformed secret.
    public init(
        client: HTTPClient,
        outbound: OutboundGuard = OutboundGuard(),
        configuration: WebhookConfiguration,
        retryPolicy: RetryPolicy = .webhookDefault,
        clock: any WallClock = SystemWallClock(),
        userAgent: String = "Herald"
    ) throws(HeraldError) {
        var signers: [String: WebhookSigner] = [:]
        for secret in [configuration.defaults.secret, configuration.previousSecret] + configuration.endpoints.map(\.settings.secret) {
            guard let secret else { continue }
            guard let signer = WebhookSigner(secret: secret) else {
                throw .invalidConfiguration("webhook: a signing secret must be whsec_ followed by base64")
            }
            signers[secret] = signer
        }
        self.client = client
        self.outbound = outbound
        self.configuration = configuration
        self.retryPolicy = retryPolicy
        self.signers = signers
        self.clock = clock
        self.userAgent = userAgent
    }

    public var secretProfileFields: Set<String> { ["secret", "bearer_token", "headers"] }
    public var timeout: Duration { configuration.timeout }

    /// A webhook profile: `url`, `secret` (`whsec_…`), `bearer_token`, `headers` (an object of
    /// strings), each optional; what it leaves out falls back to the server's webhook settings.
    public func checkProfile(_ config: [String: JSONValue]) -> [FieldProblem] {
        var reader = FieldReader(object: config, prefix: "config.")
        if let url = reader.string("url") {
            if let problem = Self.urlProblem(url) {
                reader.report(FieldProblem(field: "config.url", code: "invalid_url", problem: problem))
            } else if let problem = outbound.policy.problem(field: "config.url", url: url) {
                reader.report(problem)
            }
        }
        if let secret = reader.string("secret"), WebhookSigner(secret: secret) == nil {
            reader.report(FieldProblem(field: "config.secret", code: "invalid_secret", problem: "must be whsec_ followed by base64"))
        }
        _ = reader.string("bearer_token")
        if let headers = reader.object("headers") {
            for (name, value) in headers where value.stringValue == nil {
                reader.report(FieldProblem(field: "config.headers.\(name)", code: "wrong_type", problem: "must be a string"))
            }
        }
        return reader.problems + ProfileFields.unknown(in: config, known: ["url", "secret", "bearer_token", "headers"])
    }

    public func prepare(_ draft: MessageDraft, profile: SenderProfile?) throws(HeraldError) -> MessageDraft {
        var draft = draft
        var problems: [FieldProblem] = []
        let recipientURL = draft.recipient.flatMap { Self.looksLikeURL($0) ? $0 : nil }
        guard let url = draft.url ?? recipientURL ?? profile?.setting("url") ?? configuration.defaultURL else {
            throw .validation([FieldProblem(
                field: "url", code: "missing_url",
                problem: "a webhook needs a url (or a webhook profile with one, or webhook.url / HERALD_WEBHOOK_URL as the default)"
            )])
        }
        if let problem = Self.urlProblem(url) {
            problems.append(FieldProblem(field: "url", code: "invalid_url", problem: problem))
        } else if let problem = outbound.policy.problem(field: "url", url: url) {
            problems.append(problem)
        } else if let allowed = configuration.allowedHosts,
                  let host = URLComponents(string: url)?.host?.lowercased(), !allowed.contains(host) {
            problems.append(FieldProblem(
                field: "url", code: "host_not_allowed",
                problem: "this server sends only to \(allowed.sorted().joined(separator: ", ")) (webhook.allowed_hosts)"
            ))
        }
        if draft.content == nil, draft.payload == nil, draft.metadata.isEmpty {
            problems.append(FieldProblem(
                field: "content", code: "missing_content", problem: "give content, payload or metadata to send"
            ))
        }
        guard problems.isEmpty else { throw .validation(problems) }
        draft.url = url
        return draft
    }

    /// The destination host's rate when `webhook.rate_limits` names the host; none otherwise.
    public func rateLimits(for request: DeliveryRequest) -> RateLimitPlan {
        guard !configuration.rateLimits.isEmpty, let key = request.message.throttleKey, key.hasPrefix("host:"),
              let rate = configuration.rateLimits[String(key.dropFirst(5))]
        else { return .none }
        return RateLimitPlan(buckets: [RateLimit(key: key, rate: rate.rate, burst: rate.burst)])
    }

    public func rehearse(_ request: DeliveryRequest) -> Rehearsal {
        let message = request.message
        let body = String(decoding: WebhookBody.make(for: message), as: UTF8.self)
        return Rehearsal(
            summary: "POST \(message.url ?? "") \(body)",
            logLine: "[DRY RUN] Would send webhook \(message.id) to \(message.url ?? "")"
        )
    }

    public func send(_ delivery: DeliveryRequest) async -> DeliveryReport {
        let message = delivery.message
        guard let url = message.url else {
            return DeliveryReport(outcome: .failed(reason: "no url"))
        }
        let settings = delivery.profile.map { configuration.settings(for: url).overridden(by: $0) } ?? configuration.settings(for: url)
        var secrets = settings.secret.map { [$0] } ?? []
        // The server's own secret, rotated: the old one signs too while the overlap lasts.
        if let previous = configuration.previousSecret, settings.secret == configuration.defaults.secret,
           configuration.previousSecretUntil.map({ clock.now() < $0 }) ?? true {
            secrets.append(previous)
        }
        let post = SignedPost(
            url: url, id: message.id.rawValue, body: WebhookBody.make(for: message),
            signers: secrets.compactMap { signers[$0] ?? WebhookSigner(secret: $0) },
            bearerToken: settings.bearerToken, headers: settings.headers
        )
        return await post.send(
            client: client, outbound: outbound, timeout: configuration.timeout, excerptLimit: configuration.responseExcerptLimit, userAgent: userAgent, clock: clock
        )
    }

    static func looksLikeURL(_ text: String) -> Bool {
        text.hasPrefix("http://") || text.hasPrefix("https://")
    }

    /// Why `text` cannot be a webhook URL, or `nil` when it can.
    static func urlProblem(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "not a valid URL"
        }
        guard scheme == "http" || scheme == "https" else { return "the URL must start with http:// or https://" }
        guard let host = components.host, !host.isEmpty else { return "the URL has no host" }
        return nil
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(Int64(duration.seconds * 1_000_000_000))
    }
}
