import AsyncHTTPClient
import Foundation
import HTTPTypes
import HeraldAPI
import HeraldChannels
import HeraldCore
import HeraldDispatcher
import HeraldStore
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// The API over the in-memory store, driven through Hummingbird's router test client.
struct APITestHarness {
    static let key = "test-key-default"
    static let adminKey = "test-key-admin"
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    /// The tests' receivers listen on loopback: opened here, as `outbound.allowed_networks` would.
    static let loopbackPolicy = OutboundPolicy(allowed: [try! IPNetwork("127.0.0.0/8"), try! IPNetwork("::1/128")])
    static let quiet = Logger(label: "api-test", factory: { _ in SwiftLogNoOpLogHandler() })
    let store = InMemoryStore()
    let clock = ManualClock()
    var limits = APILimits(maxBodyBytes: 4096)
    var defaultWebhookURL: String?
    /// Every message is a dry run (the server-wide setting).
    var dryRun = false
    /// How provider callbacks are checked.
    var callbacks = CallbackSettings()
    /// Which addresses outbound requests may reach: loopback, for the tests' receivers.
    var outbound = Self.loopbackPolicy

    func dependencies() throws -> APIDependencies {
        let guardrail = OutboundGuard(policy: outbound)
        let webhook = try WebhookChannel(client: .shared, outbound: guardrail, configuration: .init(defaultURL: defaultWebhookURL, defaults: .init(secret: Self.secret)), clock: clock)
        let chat = RetryPolicy.chatDefault
        let events = TenantDeliveryDirectory(store: store, ttl: .zero)
        let channels = ChannelRegistry([
            webhook,
            WhatsAppChannel(client: .shared, outbound: guardrail, configuration: .init(), retryPolicy: chat, clock: clock),
            TwilioChannel(client: .shared, outbound: guardrail, configuration: .init(), retryPolicy: chat, clock: clock),
            BotServerChannel(client: .shared, outbound: guardrail, retryPolicy: chat, clock: clock, logger: Self.quiet),
        ], internalChannels: [
            EventsChannel(client: .shared, outbound: guardrail, endpoint: { try await events.endpoint(for: $0, at: $1) }, retryPolicy: chat, clock: clock),
        ])
        let dispatcher = Dispatcher(
            store: store, profiles: ProfileCache(store: store, ttl: .zero), events: events, channels: channels, configuration: try .init(),
            clock: clock, logger: Self.quiet
        )
        let tenants = TenantDirectory(store: store)
        return APIDependencies(
            store: store, channels: channels, dispatcher: dispatcher,
            authenticator: APIKeyAuthenticator(configuredKey: Self.key, configuredAdminKey: Self.adminKey, store: store, tenants: tenants),
            tenants: tenants, profiles: ProfileDirectory(store: store, ttl: .zero), events: events, dryRun: dryRun,
            clock: clock, limits: limits, callbacks: callbacks, version: "9.9.9", environment: "test",
            outbound: outbound, logger: Self.quiet
        )
    }

    /// Runs `body` with a client for the router.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await test(dependencies: try dependencies(), body)
    }

    /// Runs `body` with a client for a router over `dependencies`.
    func test(dependencies: APIDependencies, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await createTenant(.default)
        let app = Application(router: try buildRouter(dependencies))
        try await app.test(.router, body)
    }

    /// Creates a tenant unless it exists.
    func createTenant(_ id: TenantID, quota: Quota? = nil) async throws {
        guard try await store.tenant(id: id) == nil else { return }
        try await store.createTenant(Tenant(id: id, name: id.rawValue, quota: quota, createdAt: clock.now(), updatedAt: clock.now()))
    }

    /// Stores a message for the default tenant and returns its id.
    func enqueue(url: String = "https://example.test/hook", content: String = "hi", tenant: TenantID = .default) async throws -> MessageID {
        let message = Message(id: .generate(at: clock.now()), draft: MessageDraft(tenantID: tenant, channel: "webhook", url: url, content: content), now: clock.now())
        _ = try await store.enqueue([message])
        return message.id
    }
}

extension TestClientProtocol {
    /// Sends a JSON body with the default tenant's key (or `key`), returning status and decoded JSON.
    func call(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: String? = nil,
        key: String? = APITestHarness.key,
        headers extra: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields) {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let data = Data(response.body.readableBytesView)
        let body = data.isEmpty ? JSONValue.null : (JSONValue.decode(data) ?? .string(String(decoding: data, as: UTF8.self)))
        return (response.status, body, response.headers)
    }
}

