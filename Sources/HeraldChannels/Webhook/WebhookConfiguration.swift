public import Foundation
public import HeraldCore

/// How the webhook channel reaches endpoints.
public struct WebhookConfiguration: Sendable {
    /// The URL for messages that name none.
    public var defaultURL: String?
    /// The `default` tenant's signing secret (`webhook.secret`), bearer token and headers: its
    /// webhooks to any endpoint without an entry of its own are sent with them.
    public var defaults: WebhookEndpointSettings
    /// Settings for particular endpoints, each for the tenants it lists; the longest matching
    /// URL prefix wins.
    public var endpoints: [WebhookEndpoint]
    /// How long one attempt may take, connection included.
    public var timeout: Duration
    /// How many bytes of an endpoint's answer are kept in the delivery log.
    public var responseExcerptLimit: Int
    /// When set, the only hosts messages may be sent to (exact names or addresses, compared
    /// without case); any other URL is refused at ingest. `nil` allows every host.
    public var allowedHosts: Set<String>?
    /// Sending rates by destination host (lower-case); hosts not listed have none.
    public var rateLimits: [String: HostRate]
    /// A rotated-out default secret that still signs, beside the current one, until
    /// ``previousSecretUntil`` (always, when that is `nil`): both signatures go in
    /// `webhook-signature`, so receivers switch without a gap (Standard Webhooks).
    public var previousSecret: String?
    public var previousSecretUntil: Date?

    public init(
        defaultURL: String? = nil,
        defaults: WebhookEndpointSettings = .init(),
        endpoints: [WebhookEndpoint] = [],
        timeout: Duration = .seconds(10),
        responseExcerptLimit: Int = 256,
        allowedHosts: Set<String>? = nil,
        rateLimits: [String: HostRate] = [:]
    ) {
        self.rateLimits = Dictionary(rateLimits.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.allowedHosts = allowedHosts.map { Set($0.map { $0.lowercased() }) }
        self.defaultURL = defaultURL
        self.defaults = defaults
        self.endpoints = endpoints
        self.timeout = timeout
        self.responseExcerptLimit = responseExcerptLimit
    }

    /// The endpoint entry that applies to `tenant`'s webhook to `url`: the most specific one
    /// that matches the URL and lists the tenant.
    public func endpoint(for url: String, tenant: TenantID) -> WebhookEndpoint? {
        endpoints
            .filter { $0.tenants.contains(tenant) && $0.prefix.matches(url) }
            .max { $0.prefix.length < $1.prefix.length }
    }
}

/// How fast requests may go to one host: `rate` a second, up to `burst` at once.
public struct HostRate: Sendable, Hashable {
    public var rate: Double
    public var burst: Double

    public init(rate: Double, burst: Double? = nil) {
        self.rate = rate
        self.burst = burst ?? max(1, rate)
    }
}

/// Signing secret, bearer token and extra headers for requests to an endpoint.
public struct WebhookEndpointSettings: Sendable {
    /// The `whsec_…` secret; requests are unsigned without one.
    public var secret: String?
    /// Sent as `Authorization: Bearer …` when set.
    public var bearerToken: String?
    /// Extra headers sent with every request.
    public var headers: [String: String]

    public init(secret: String? = nil, bearerToken: String? = nil, headers: [String: String] = [:]) {
        self.secret = secret
        self.bearerToken = bearerToken
        self.headers = headers
    }
}

extension WebhookEndpointSettings {
    /// These settings with what a webhook profile sets in their place.
    func overridden(by profile: SenderProfile) -> WebhookEndpointSettings {
        var settings = self
        if let secret = profile.setting("secret") { settings.secret = secret }
        if let token = profile.setting("bearer_token") { settings.bearerToken = token }
        if case .object(let headers)? = profile.config["headers"] {
            for (name, value) in headers { if let text = value.stringValue { settings.headers[name] = text } }
        }
        return settings
    }

    /// These settings with what `other` sets in their place.
    func overridden(by other: WebhookEndpointSettings) -> WebhookEndpointSettings {
        var settings = self
        if let secret = other.secret { settings.secret = secret }
        if let token = other.bearerToken { settings.bearerToken = token }
        settings.headers.merge(other.headers) { _, new in new }
        return settings
    }
}

/// Settings for one receiver's endpoints (`webhook.endpoints`), for the tenants it lists only:
/// a partner's secret or bearer token never goes with another tenant's webhook.
public struct WebhookEndpoint: Sendable {
    /// The URLs it applies to.
    public var prefix: WebhookURLPrefix
    public var settings: WebhookEndpointSettings
    /// The tenants whose webhooks it applies to (`tenants:`; only `default` when the entry names none).
    public var tenants: Set<TenantID>

    public init(prefix: WebhookURLPrefix, settings: WebhookEndpointSettings, tenants: Set<TenantID> = [.default]) {
        self.prefix = prefix
        self.settings = settings
        self.tenants = tenants
    }
}
