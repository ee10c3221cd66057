import AsyncHTTPClient
import HeraldMetrics
import Prometheus
import Foundation
import HeraldChannels
public import HeraldCore
import HeraldDispatcher
import HeraldStore
public import HeraldAPI
public import Hummingbird
public import Logging
import ServiceLifecycle

/// The composition root: the only place that knows every part. It checks the configuration,
/// opens and migrates the store, makes sure credentials exist, and builds the application with
/// the dispatcher, the shared HTTP client and the store's own services under one service group.
///
/// ```swift
/// let configuration = try ConfigurationLoader(file: nil).load()
/// try await HeraldServerBuilder(configuration: configuration, logger: logger).run()   // until SIGTERM / SIGINT
/// ```
public struct HeraldServerBuilder: Sendable {
    public var configuration: HeraldConfiguration
    public var logger: Logger
    public var clock: any WallClock
    /// Where one-time secrets are shown: standard output by default (written at once, not left in
    /// a buffer — under a service manager or `> herald.log` stdout is block-buffered, and a secret
    /// still in the buffer when the process is killed would be lost with only its hash kept);
    /// never the log.
    public var announce: @Sendable (String) -> Void
    /// Called with the bound port once the server listens.
    public var onServerRunning: @Sendable (Int) async -> Void

    public init(
        configuration: HeraldConfiguration,
        logger: Logger,
        clock: any WallClock = SystemWallClock(),
        announce: @escaping @Sendable (String) -> Void = HeraldServerBuilder.writeAtOnce,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.announce = announce
        self.onServerRunning = onServerRunning
    }

    /// Writes a line to standard output straight away (one `write`, no buffer).
    public static func writeAtOnce(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Serves until SIGTERM or SIGINT, then stops gracefully.
    /// - Throws: ``HeraldError`` for bad settings, `StoreError` when the database cannot be opened.
    public func run() async throws {
        try await withApplication { app in try await app.runService() }
    }

    /// Opens the store and runs `body` with the ready-to-run application. Run it inside `body`:
    /// it owns the outbound HTTP client, which is shut down when the application stops.
    /// - Throws: ``HeraldError`` for bad settings, `StoreError` when the database cannot be opened.
    public func withApplication<T: Sendable>(_ body: (Application<RouterResponder<HeraldRequestContext>>) async throws -> T) async throws -> T {
        // Settings first: a bad value stops start-up before the database is touched.
        _ = try configuration.retryPolicy()
        _ = try configuration.dispatcherConfiguration()
        _ = try configuration.postgresConfiguration()
        let processID = Dispatcher.makeOwnerID()
        // One registry per server (not the process-wide default): tests run several in one process.
        let registry = PrometheusCollectorRegistry()
        let metrics = configuration.metrics.enabled ? MetricsEndpoint.metrics(into: registry) : .off
        return try await OpenedStore.withOpenedStore(configuration: configuration, processID: processID, metrics: metrics, logger: logger) { opened in
            try await body(try await build(opened, processID: processID, registry: registry, metrics: metrics))
        }
    }

    private func build(
        _ opened: OpenedStore, processID: String, registry: PrometheusCollectorRegistry, metrics: HeraldMetrics
    ) async throws -> Application<RouterResponder<HeraldRequestContext>> {
        let retryPolicy = try configuration.retryPolicy()
        let dispatcherConfiguration = try configuration.dispatcherConfiguration()
        let store = opened.store

        let bootstrap = CredentialBootstrap(store: store, clock: clock, announce: announce)
        try await bootstrap.ensureDefaultTenant()
        try await bootstrap.ensureAPIKey(configured: configuration.app.apiKey)
        try await bootstrap.ensureAdminKey(configured: configuration.app.adminKey)
        let secret = try await bootstrap.webhookSecret(configured: configuration.webhook.secret)
        for tenant in try await bootstrap.giveTenantsWebhookSecrets() {
            logger.notice("tenant given a webhook secret of its own; webhook.secret signs beside it until its first rotation", metadata: [
                "tenant": "\(tenant)", "rotate": "POST /api/v1/tenants/\(tenant)/webhook-secret/rotate",
            ])
        }
        if configuration.dispatcher.paused {
            // Stored before anything runs, so no process dispatches until it is resumed.
            _ = try await store.setPaused(true, scope: .server, now: clock.now())
            logger.notice("dispatching paused (dispatcher.paused); resume with POST /api/v1/scheduler/start and the admin key")
        }

        var webhookDefaults = WebhookEndpointSettings(secret: secret, bearerToken: configuration.webhook.bearerToken, headers: configuration.webhook.headers)
        webhookDefaults.secret = secret
        var webhookConfiguration = WebhookConfiguration(
            defaultURL: configuration.webhook.url,
            defaults: webhookDefaults,
            endpoints: configuration.webhook.endpoints,
            timeout: configuration.webhook.timeout,
            allowedHosts: configuration.webhook.allowedHosts,
            rateLimits: configuration.webhook.rateLimits
        )
        webhookConfiguration.previousSecret = configuration.webhook.previousSecret
        webhookConfiguration.previousSecretUntil = configuration.webhook.previousSecretUntil
        let clientConfiguration = httpClientConfiguration()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let pinned = PinnedClients(
            configuration: clientConfiguration, eventLoopGroup: client.eventLoopGroup, maxClients: configuration.maxPinnedClients
        )
        let resolver = SystemResolver(threads: configuration.resolverThreads)
        let outbound = OutboundGuard(policy: configuration.outbound, pinned: pinned, resolve: { try await resolver.lookUp($0) })
        logger.notice("\(configuration.outbound.summary)")
        let events = TenantDeliveryDirectory(store: store)
        let channels: ChannelRegistry
        let lookUpTenantSecrets: WebhookChannel.TenantSecretLookup = { tenant, now in
            try await events.webhookSecrets(for: tenant, at: now, serverSecret: secret)
        }
        do {
            var twilio = configuration.twilio
            twilio.publicURL = configuration.app.publicURL
            channels = ChannelRegistry([
                try WebhookChannel(
                    client: client, outbound: outbound, configuration: webhookConfiguration, retryPolicy: retryPolicy,
                    tenantSecrets: lookUpTenantSecrets, clock: clock, userAgent: "Herald/\(HeraldVersion.current)"
                ),
                WhatsAppChannel(
                    client: client, outbound: outbound, configuration: configuration.whatsapp, retryPolicy: try configuration.retryPolicy(channel: "whatsapp"), clock: clock
                ),
                TwilioChannel(client: client, outbound: outbound, configuration: twilio, retryPolicy: try configuration.retryPolicy(channel: "twilio"), clock: clock),
                BotServerChannel(
                    client: client, outbound: outbound, retryPolicy: try configuration.retryPolicy(channel: "botserver"), timeout: configuration.botServerTimeout,
                    clock: clock, logger: logger.with(label: "botserver")
                ),
            ], internalChannels: [
                // Tenants' status events: signed with each tenant's own secret, retried as webhooks are.
                EventsChannel(
                    client: client, outbound: outbound, endpoint: { tenant, now in try await events.endpoint(for: tenant, at: now) },
                    timeout: configuration.webhook.timeout, retryPolicy: retryPolicy, clock: clock, userAgent: "Herald/\(HeraldVersion.current)"
                ),
            ])
            guard channels[configuration.app.defaultChannel] != nil else {
                throw HeraldError.invalidConfiguration(
                    "app.default_channel must be one of \(channels.names.joined(separator: ", ")) (got '\(configuration.app.defaultChannel)')"
                )
            }
        } catch {
            try await client.shutdown()
            await resolver.shutdown()
            throw error
        }

        let dispatcher = Dispatcher(
            store: store, profiles: ProfileCache(store: store), events: events, channels: channels, configuration: dispatcherConfiguration,
            limiter: RateLimiterRegistry(processCount: opened.processCount), clock: clock,
            owner: processID, metrics: metrics, membership: opened.membership, logger: logger.with(label: "dispatcher")
        )
        let receipts = ReceiptReconciler(store: store, events: events, clock: clock, logger: logger.with(label: "receipts"))
        let tenants = TenantDirectory(store: store)
        let dependencies = APIDependencies(
            store: store,
            channels: channels,
            dispatcher: dispatcher,
            authenticator: APIKeyAuthenticator(
                configuredKey: configuration.app.apiKey, configuredAdminKey: configuration.app.adminKey, store: store, tenants: tenants
            ),
            tenants: tenants,
            profiles: ProfileDirectory(store: store),
            events: events,
            serverWebhookSecret: secret,
            defaultChannel: configuration.app.defaultChannel,
            dryRun: configuration.dispatcher.dryRun,
            clock: clock,
            limits: {
                var limits = APILimits(
                    maxBodyBytes: configuration.app.maxBodyBytes,
                    maxBatchItems: configuration.app.maxBatchItems,
                    maxBatchBodyBytes: configuration.app.maxBatchBodyBytes,
                    maxSendWait: configuration.app.maxSendWait
                )
                limits.eventsSecretOverlap = configuration.eventsSecretOverlap
                limits.webhookSecretOverlap = configuration.webhook.secretOverlap
                limits.maxBacklog = configuration.app.maxBacklog
                return limits
            }(),
            callbacks: CallbackSettings(
                publicURL: configuration.app.publicURL, whatsAppAppSecret: configuration.whatsapp.appSecret,
                whatsAppVerifyToken: configuration.whatsapp.verifyToken, maxBodyBytes: configuration.app.maxBodyBytes,
                rate: configuration.callbackRate
            ),
            version: HeraldVersion.current,
            environment: configuration.app.environment,
            outbound: configuration.outbound,
            metricsEndpoint: configuration.metrics.enabled
                ? MetricsEndpoint(registry: registry, store: store, allowedNetworks: configuration.metrics.allowedNetworks) : nil,
            logger: logger
        )
        let onServerRunning = onServerRunning
        let port = configuration.app.port
        return Application(
            router: try buildRouter(dependencies),
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(configuration.app.readTimeout.seconds * 1_000_000_000)))),
            configuration: .init(address: .hostname(configuration.app.host, port: port), serverName: "herald"),
            services: opened.services + [HTTPClientService(client: client, pinned: pinned, resolver: resolver), dispatcher, receipts] + retention(store),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// The retention sweeper, when `retention.message_content` is set.
    private func retention(_ store: any HeraldStore) -> [any Service] {
        guard let keep = configuration.retainMessageContent else { return [] }
        logger.notice("finished messages keep their content for \(keep) (retention.message_content)")
        return [RetentionSweeper(store: store, keep: keep, clock: clock, logger: logger.with(label: "retention"))]
    }

    private func httpClientConfiguration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        // The default (8) would cap throughput to one endpoint; more slots than connections is
        // right, since most of the dispatcher's slots wait on their outcome's commit, not the wire.
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: self.configuration.dispatcher.connectionsPerHost
        )
        // A webhook that redirects is misconfigured; following it could leak the payload elsewhere.
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5))
        // Herald sets up no tracer: a span per send would only build attributes for the no-op
        // one (2 % of the server's time while draining, perf record).
        configuration.tracing.tracer = nil
        return configuration
    }
}

extension Logger {
    /// The same handler and level under another label.
    func with(label: String) -> Logger {
        var logger = self
        logger[metadataKey: "component"] = "\(label)"
        return logger
    }
}
