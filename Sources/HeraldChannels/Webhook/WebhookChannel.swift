public import AsyncHTTPClient
public import Foundation
public import HeraldCore
import NIOCore

/// Delivers messages as signed HTTP POSTs (Standard Webhooks headers) on one shared client.
///
/// Each tenant's webhooks are signed with a secret of its own, so a receiver can tell one
/// tenant's from another's and no tenant can have Herald sign a body for another. Which
/// secret signs: the webhook profile's `secret`, else that of the `webhook.endpoints` entry that
/// matches the URL and lists the tenant, else the tenant's own (``TenantSecretLookup``; for
/// the `default` tenant, `webhook.secret`) — each beside the one it replaced while a rotation's
/// overlap lasts.
public struct WebhookChannel: DeliveryChannel {
    /// A tenant's webhook secrets at a moment, the current one first (``Tenant/webhookSecrets(at:serverSecret:)``);
    /// `nil` for a tenant without secrets of its own.
    public typealias TenantSecretLookup = @Sendable (TenantID, Date) async throws -> [String]?

    public let name = "webhook"
    public let retryPolicy: RetryPolicy
    private let client: HTTPClient
    private let outbound: OutboundGuard
    private let configuration: WebhookConfiguration
    private let signers: [String: WebhookSigner]
    private let tenantSecrets: TenantSecretLookup
    private let clock: any WallClock
    private let userAgent: String

    /// - Parameters:
    ///   - client: the shared HTTP client; the caller owns and shuts it down.
    ///   - outbound: which addresses requests may reach (by default no loopback, private or metadata one).
    ///   - configuration: endpoints, secrets, timeout.
    ///   - retryPolicy: when to retry.
    ///   - tenantSecrets: reads a tenant's own webhook secrets; a tenant it knows none for is
    ///     signed with `webhook.secret`.
    ///   - clock: the time for `webhook-timestamp` and `Retry-After` dates.
    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` for a malformed secret.
    public init(
        client: HTTPClient,
        outbound: OutboundGuard = OutboundGuard(),
        configuration: WebhookConfiguration,
        retryPolicy: RetryPolicy = .webhookDefault,
        tenantSecrets: @escaping TenantSecretLookup = { _, _ in nil },
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
        self.tenantSecrets = tenantSecrets
        self.clock = clock
        self.userAgent = userAgent
    }

    public var secretProfileFields: Set<String> { ["secret", "bearer_token", "headers"] }
    public var timeout: Duration { configuration.timeout }

    /// A webhook profile: `url`, `secret` (`whsec_…`), `bearer_token`, `headers` (an object of
    /// strings), `rate`, `burst` or `delay`, each optional; what it leaves out falls back to the
    /// server's webhook settings.
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
        return reader.problems + ProfileRate.problems(in: config)
            + ProfileFields.unknown(in: config, known: ProfileRate.settings.union(["url", "secret", "bearer_token", "headers"]))
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

    /// The profile's own `rate`, `burst` or `delay`, and the destination host's rate when
    /// `webhook.rate_limits` names the host: a send takes a token from both. The first bucket is
    /// keyed by the message's throttle key (with a profile, the profile's, unlimited unless it
    /// sets a rate), so a claim leaves out its new messages while either bucket is empty.
    public func rateLimits(for request: DeliveryRequest) -> RateLimitPlan {
        let host = request.message.url.flatMap { URLComponents(string: $0)?.host?.lowercased() }
        let hostLimit = host.flatMap { host in
            configuration.rateLimits[host].map { RateLimit(key: Message.hostThrottleKey(host), rate: $0.rate, burst: $0.burst) }
        }
        let own = ProfileRate.bucket(for: request, defaultRate: nil)
        // A profile that limits nothing, to a host nothing limits: no bucket at all.
        if own?.rate == nil, hostLimit == nil { return .none }
        return RateLimitPlan(buckets: [own, hostLimit].compactMap { $0 })
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
        let tenant = message.tenantID
        // The default tenant's settings are the server's; any other tenant starts from none.
        var settings = tenant == .default ? configuration.defaults : WebhookEndpointSettings()
        if let endpoint = configuration.endpoint(for: url, tenant: tenant) { settings = settings.overridden(by: endpoint.settings) }
        if let profile = delivery.profile { settings = settings.overridden(by: profile) }
        var secrets: [String]
        if let chosen = settings.secret, tenant != .default || chosen != configuration.defaults.secret {
            secrets = [chosen]
        } else if tenant == .default {
            secrets = [configuration.defaults.secret].compactMap { $0 }
            // The server's own secret, rotated: the old one signs too while the overlap lasts.
            if let previous = configuration.previousSecret, configuration.previousSecretUntil.map({ clock.now() < $0 }) ?? true {
                secrets.append(previous)
            }
        } else {
            do {
                secrets = try await tenantSecrets(tenant, clock.now()) ?? [configuration.defaults.secret].compactMap { $0 }
            } catch {
                return DeliveryReport(outcome: .retry(reason: "could not read the tenant's webhook secret", after: nil))
            }
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
