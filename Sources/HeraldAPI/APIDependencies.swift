public import HeraldCore
public import HeraldDispatcher
public import HeraldMetrics
public import HeraldStore
public import Logging

/// What the HTTP API needs from the rest of Herald.
public struct APIDependencies: Sendable {
    public var store: any HeraldStore
    public var channels: ChannelRegistry
    /// The dispatcher the messaging and scheduler routes drive.
    public var dispatcher: Dispatcher
    public var authenticator: APIKeyAuthenticator
    public var tenants: TenantDirectory
    public var profiles: ProfileDirectory
    /// Tenants' events settings and webhook secrets: told when one changes, read when a
    /// callback changes a message's status.
    public var events: TenantDeliveryDirectory
    /// The server's `webhook.secret`: the `default` tenant's, and what still signs beside a
    /// tenant made before tenants had secrets of their own until its first rotation.
    public var serverWebhookSecret: String?
    /// The channel of a message that names none and whose outlet has no profile.
    public var defaultChannel: String
    /// Every message is a dry run (`herald serve --dry-run`).
    public var dryRun: Bool
    public var clock: any WallClock
    public var limits: APILimits
    /// How provider callbacks are checked and limited.
    public var callbacks: CallbackSettings
    /// Shown by `/health`.
    public var version: String
    /// Shown by `/health`: `development`, `production`…
    public var environment: String
    /// Which addresses outbound URLs (tenants' events URLs) may name.
    public var outbound: OutboundPolicy
    public var logger: Logger
    /// Where the API counts what it accepts and how long requests take.
    public var metrics: HeraldMetrics
    /// `GET /metrics`; `nil` when turned off.
    public var metricsEndpoint: MetricsEndpoint?
    /// The backlog, counted for ``APILimits/maxBacklog``.
    let backlog: BacklogGauge

    public init(
        store: any HeraldStore,
        channels: ChannelRegistry,
        dispatcher: Dispatcher,
        authenticator: APIKeyAuthenticator,
        tenants: TenantDirectory,
        profiles: ProfileDirectory,
        events: TenantDeliveryDirectory,
        serverWebhookSecret: String? = nil,
        defaultChannel: String = "webhook",
        dryRun: Bool = false,
        clock: any WallClock = SystemWallClock(),
        limits: APILimits = .init(),
        callbacks: CallbackSettings = .init(),
        version: String,
        environment: String,
        outbound: OutboundPolicy = OutboundPolicy(),
        metricsEndpoint: MetricsEndpoint? = nil,
        logger: Logger
    ) {
        self.outbound = outbound
        self.metricsEndpoint = metricsEndpoint
        self.metrics = metricsEndpoint?.metrics ?? .off
        self.backlog = BacklogGauge(store: store, limit: limits.maxBacklog, every: limits.backlogCountInterval)
        self.store = store
        self.channels = channels
        self.dispatcher = dispatcher
        self.authenticator = authenticator
        self.tenants = tenants
        self.profiles = profiles
        self.events = events
        self.serverWebhookSecret = serverWebhookSecret
        self.defaultChannel = defaultChannel
        self.dryRun = dryRun
        self.clock = clock
        self.limits = limits
        self.callbacks = callbacks
        self.version = version
        self.environment = environment
        self.logger = logger
    }
}

/// Input limits; anything over them gets a 4xx, never a 500.
public struct APILimits: Sendable, Hashable {
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// Limits on one message's fields.
    public var message: MessageLimits
    /// The largest page `GET /api/v1/messages` returns.
    public var maxPageSize: Int
    /// The most messages one `POST /api/v1/messages/batch` may carry.
    public var maxBatchItems: Int
    /// The largest batch request body, in bytes.
    public var maxBatchBodyBytes: Int
    /// The longest `POST /api/v1/messages/send` waits, whatever `timeout` asks (up to 30 s).
    public var maxSendWait: Duration
    /// How long a rotated events secret still signs beside the new one.
    public var eventsSecretOverlap: Duration = Tenant.eventsSecretGracePeriod
    /// How long a rotated webhook secret still signs beside the new one (`webhook.secret_overlap`).
    public var webhookSecretOverlap: Duration = Tenant.webhookSecretOverlap
    /// The most messages waiting to be sent before ingest answers 503 `backlog_full`; `nil`: no limit.
    public var maxBacklog: Int?
    /// How often the backlog is counted for ``maxBacklog``.
    public var backlogCountInterval: Duration = .seconds(1)

    public init(
        maxBodyBytes: Int = 1 << 20,
        maxIdempotencyKeyLength: Int = 255,
        priorityRange: ClosedRange<Int> = -100...100,
        maxPageSize: Int = 1000,
        maxBatchItems: Int = 1000,
        maxBatchBodyBytes: Int = 16 << 20,
        maxSendWait: Duration = .seconds(30)
    ) {
        self.maxSendWait = maxSendWait
        self.maxPageSize = maxPageSize
        self.maxBatchItems = maxBatchItems
        self.maxBatchBodyBytes = maxBatchBodyBytes
        self.maxBodyBytes = maxBodyBytes
        self.message = MessageLimits(maxIdempotencyKeyLength: maxIdempotencyKeyLength, priorityRange: priorityRange)
    }
}
