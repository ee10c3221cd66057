public import AsyncHTTPClient
public import Foundation
public import HeraldCore

/// Delivers the status events Herald raises for a tenant (``MessageEvent``) to its
/// `events_url`, signed per Standard Webhooks with its events secret. The URL and secrets are
/// read when each event is sent, so a corrected URL or a rotated secret applies to events
/// still waiting. Internal: clients cannot send on it.
public struct EventsChannel: DeliveryChannel {
    /// Where a tenant's events go now; `nil` when it no longer takes events.
    public typealias EndpointLookup = @Sendable (TenantID, Date) async throws -> EventEndpoint?

    public let name = MessageEvent.channel
    public let retryPolicy: RetryPolicy
    private let client: HTTPClient
    private let outbound: OutboundGuard
    private let endpoint: EndpointLookup
    public let timeout: Duration
    private let responseExcerptLimit: Int
    private let clock: any WallClock
    private let userAgent: String

    /// - Parameters:
    ///   - client: the shared HTTP client; the caller owns and shuts it down.
    ///   - outbound: which addresses requests may reach (by default no loopback, private or metadata one).
    ///   - endpoint: reads a tenant's events URL and secrets.
    ///   - timeout: how long one attempt may take.
    public init(
        client: HTTPClient,
        outbound: OutboundGuard = OutboundGuard(),
        endpoint: @escaping EndpointLookup,
        timeout: Duration = .seconds(10),
        responseExcerptLimit: Int = 256,
        retryPolicy: RetryPolicy = .webhookDefault,
        clock: any WallClock = SystemWallClock(),
        userAgent: String = "Herald"
    ) {
        self.client = client
        self.outbound = outbound
        self.endpoint = endpoint
        self.timeout = timeout
        self.responseExcerptLimit = responseExcerptLimit
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.userAgent = userAgent
    }

    /// Events are raised by Herald only.
    public func prepare(_ draft: MessageDraft, profile: SenderProfile?) throws(HeraldError) -> MessageDraft {
        throw .validation([FieldProblem(field: "channel", code: "unknown_channel", problem: "the events channel is Herald's own")])
    }

    public func rehearse(_ request: DeliveryRequest) -> Rehearsal {
        let body = String(decoding: WebhookBody.make(for: request.message), as: UTF8.self)
        return Rehearsal(
            summary: "POST \(request.message.url ?? "") \(body)",
            logLine: "[DRY RUN] Would send event \(request.message.id) to \(request.message.url ?? "")"
        )
    }

    public func send(_ delivery: DeliveryRequest) async -> DeliveryReport {
        let message = delivery.message
        let target: EventEndpoint?
        do {
            target = try await endpoint(message.tenantID, clock.now())
        } catch {
            return DeliveryReport(outcome: .retry(reason: "could not read the tenant's events settings", after: nil))
        }
        guard let target else {
            return DeliveryReport(outcome: .failed(reason: "the tenant no longer has an events_url"))
        }
        let post = SignedPost(
            url: target.url, id: message.id.rawValue, body: WebhookBody.make(for: message),
            signers: target.secrets.compactMap(WebhookSigner.init(secret:))
        )
        return await post.send(client: client, outbound: outbound, timeout: timeout, excerptLimit: responseExcerptLimit, userAgent: userAgent, clock: clock)
    }
}
