public import Foundation
public import HeraldChannels
public import HeraldCore
public import HeraldDispatcher
public import HeraldStorePostgres
public import HeraldStoreSQLite

/// Everything `herald serve` can be told, with defaults that run out of the box.
///
/// Read from `herald.yaml`, then `HERALD_…` environment variables, then command-line flags, each
/// overriding the one before (see ``ConfigurationLoader``). ``ConfigurationKey/all`` lists every key.
public struct HeraldConfiguration: Sendable {
    /// The `app` section.
    public struct App: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// The default tenant's API key; generated, stored hashed and printed once when unset.
        public var apiKey: String?
        /// The administrator's key (tenants, keys); generated, stored hashed and printed once when unset.
        public var adminKey: String?
        public var environment = "development"
        public var maxBodyBytes = 1 << 20
        /// A connection that sends or reads nothing this long is closed (a body trickled in slowly, say).
        public var readTimeout = Duration.seconds(30)
        /// The most messages waiting to be sent before ingest answers 503 `backlog_full`; `nil`: no limit.
        public var maxBacklog: Int?
        public var maxBatchBodyBytes = 16 << 20
        public var maxBatchItems = 1000
        public var maxSendWait = Duration.seconds(30)
        public var logLevel = "info"
        /// This server's address as providers reach it (Twilio's `StatusCallback`).
        public var publicURL: String?
        /// The channel of a message that names none and whose outlet has no profile.
        public var defaultChannel = "webhook"
    }

    /// The `database` section.
    public struct Database: Sendable {
        /// A `postgres://` URL to share one PostgreSQL database among processes; unset for SQLite.
        public var url: String?
        /// The SQLite file — or, given as `database.path`, `--database` or `HERALD_DATABASE`, a
        /// `postgres://` URL, which ``ConfigurationLoader`` moves to ``url``.
        public var path = "herald.sqlite"
        public var durability = SQLiteConfiguration.Durability.full
        public var groupCommitWindow = Duration.microseconds(200)
        public var groupCommitMaxBatch = 1000
        public var maxPendingWrites = 20_000
        /// The key that seals stored secrets (base64 of 32 bytes); for SQLite, a key file
        /// beside the database when unset.
        public var secretKey: String?
        /// PostgreSQL: the most connections this process opens.
        public var poolSize = 20
        /// PostgreSQL: how long a request waits for a connection before answering 503.
        public var connectWait = Duration.seconds(5)
        /// PostgreSQL: how often this process heartbeats.
        public var heartbeatInterval = Duration.seconds(2)
        /// PostgreSQL: a process silent this long is gone and its leases are taken over.
        public var processTimeout = Duration.seconds(10)
    }

    /// The `dispatcher` section.
    public struct Dispatcher: Sendable {
        public var concurrency = DispatcherConfiguration.defaultConcurrency
        public var batchSize = DispatcherConfiguration.defaultBatchSize
        /// Most connections the outbound HTTP client opens to one host.
        public var connectionsPerHost = DispatcherConfiguration.defaultConnectionsPerHost
        public var tenantShare = DispatcherConfiguration.defaultTenantShare
        public var leaseDuration = DispatcherConfiguration.defaultLeaseDuration
        public var pollInterval = DispatcherConfiguration.defaultPollInterval
        public var shutdownGrace = DispatcherConfiguration.defaultShutdownGrace
        public var maxClaims = DispatcherConfiguration.defaultMaxClaims
        public var paused = false
        /// Every message accepted is a dry run.
        public var dryRun = false
    }

    /// The `metrics` section: who may read `GET /metrics`.
    public struct Metrics: Sendable {
        public var enabled = true
        /// Networks that may read it without a key; the admin key may always.
        public var allowedNetworks: [IPNetwork] = []
    }

    /// The `retry` section.
    public struct Retry: Sendable {
        /// `schedule` (the list in ``schedule``) or `exponential` (the formula keys).
        public var strategy = "schedule"
        public var schedule: [Duration] = [
            .seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18000), .seconds(36000), .seconds(36000),
        ]
        public var initialDelay = Duration.seconds(1)
        public var multiplier = 2.0
        public var maxDelay = Duration.seconds(3600)
        public var maxAttempts = 8
        public var jitter = 0.2
        public var maxRetryAfter = Duration.seconds(3600)
        public var minThrottledDelay = Duration.seconds(60)
        /// The longest a message waits in all for a provider's rate limit.
        public var maxThrottledWait = Duration.seconds(3600)
        /// `retry.<channel>.schedule` for the provider channels; unset ones use 1s, 2s, 4s
        /// (4 attempts in all, what chat users expect).
        public var channelSchedules: [String: [Duration]] = [:]
    }

    /// The `webhook` section.
    public struct Webhook: Sendable {
        public var url: String?
        /// The `whsec_…` signing secret; generated, stored and printed once when unset.
        public var secret: String?
        public var bearerToken: String?
        public var headers: [String: String] = [:]
        public var timeout = Duration.seconds(10)
        public var endpoints: [WebhookEndpoint] = []
        /// The only hosts webhooks may go to; `nil` for any.
        public var allowedHosts: Set<String>?
        /// The default secret before the last rotation, still signing until ``previousSecretUntil``.
        public var previousSecret: String?
        /// How long a tenant's rotated webhook secret still signs beside the new one.
        public var secretOverlap = Tenant.webhookSecretOverlap
        public var previousSecretUntil: Date?
        /// Sending rates by destination host; none for hosts not listed.
        public var rateLimits: [String: HostRate] = [:]
    }

    public var app = App()
    public var database = Database()
    public var dispatcher = Dispatcher()
    public var retry = Retry()
    public var webhook = Webhook()
    public var whatsapp = WhatsAppConfiguration()
    public var twilio = TwilioConfiguration()
    public var botServerTimeout = Duration.seconds(10)
    /// How long finished messages keep their content (`retention.message_content`); `nil` keeps it.
    public var retainMessageContent: Duration?
    /// How long a rotated events secret still signs beside the new one (`events.secret_overlap`).
    public var eventsSecretOverlap = Tenant.eventsSecretGracePeriod
    /// Which addresses outbound requests may reach (`outbound.allowed_networks`).
    public var outbound = OutboundPolicy()
    /// Threads of the resolver outbound names are looked up on (`outbound.resolver_threads`).
    public var resolverThreads = 8
    /// The most clients pinned to checked `https://` addresses kept at once (`outbound.max_pinned_clients`).
    public var maxPinnedClients = PinnedClients.defaultMaxClients
    /// Provider callbacks a second each callback route takes (`callbacks.rate_limit`).
    public var callbackRate = 500.0
    public var metrics = Metrics()

    public init() {}

    /// The retry policy these settings describe.
    /// - Throws: ``HeraldError/invalidConfiguration(_:)``.
    public func retryPolicy() throws(HeraldError) -> RetryPolicy {
        switch retry.strategy {
        case "schedule":
            return try .explicit(
                retry.schedule, jitter: retry.jitter, maxRetryAfter: retry.maxRetryAfter, minimumThrottledDelay: retry.minThrottledDelay
            )
        case "exponential":
            return try .exponential(
                initial: retry.initialDelay, multiplier: retry.multiplier, maximum: retry.maxDelay,
                maxAttempts: retry.maxAttempts, jitter: retry.jitter, maxRetryAfter: retry.maxRetryAfter,
                minimumThrottledDelay: retry.minThrottledDelay
            )
        default:
            throw .invalidConfiguration("retry.strategy must be 'schedule' or 'exponential' (got '\(retry.strategy)')")
        }
    }

    /// The retry policy of a provider channel (`whatsapp`, `twilio`, `botserver`): its
    /// schedule, ±20 % jitter, and for rate limits 5 s doubling to 60 s within `retry.max_throttled_wait`.
    /// - Throws: ``HeraldError/invalidConfiguration(_:)``.
    public func retryPolicy(channel: String) throws(HeraldError) -> RetryPolicy {
        var policy = try RetryPolicy.explicit(
            retry.channelSchedules[channel] ?? [.seconds(1), .seconds(2), .seconds(4)], maxRetryAfter: retry.maxRetryAfter
        )
        policy.maxThrottledWait = retry.maxThrottledWait
        return policy
    }

    /// The dispatcher settings, checked.
    /// - Throws: ``HeraldError/invalidConfiguration(_:)``.
    public func dispatcherConfiguration() throws(HeraldError) -> DispatcherConfiguration {
        let timeouts = [("webhook.timeout", webhook.timeout), ("whatsapp.timeout", whatsapp.timeout), ("twilio.timeout", twilio.timeout), ("botserver.timeout", botServerTimeout)]
        for (name, timeout) in timeouts where dispatcher.leaseDuration <= timeout + .seconds(1) {
            throw .invalidConfiguration(
                "dispatcher.lease_duration (\(DurationText.format(dispatcher.leaseDuration))) must be longer than "
                    + "\(name) (\(DurationText.format(timeout))) plus 1s, or a slow send would be claimed twice"
            )
        }
        return try DispatcherConfiguration(
            concurrency: dispatcher.concurrency, batchSize: dispatcher.batchSize,
            tenantShare: dispatcher.tenantShare, connectionsPerHost: dispatcher.connectionsPerHost,
            leaseDuration: dispatcher.leaseDuration, pollInterval: dispatcher.pollInterval,
            shutdownGrace: dispatcher.shutdownGrace, maxClaims: dispatcher.maxClaims
        )
    }

    /// The PostgreSQL settings, or `nil` when `database.url` is unset (SQLite).
    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` for a malformed URL or inconsistent timings.
    public func postgresConfiguration() throws(HeraldError) -> PostgresConfiguration? {
        guard let url = database.url, !url.isEmpty else { return nil }
        guard PostgresConfiguration.isPostgresURL(url) else {
            throw .invalidConfiguration("database.url must start with postgres:// (leave it unset and use database.path for SQLite)")
        }
        guard database.processTimeout >= database.heartbeatInterval * 2 else {
            throw .invalidConfiguration("database.process_timeout must be at least twice database.heartbeat_interval")
        }
        var configuration = try PostgresConfiguration(url: url)
        configuration.maxConnections = database.poolSize
        configuration.acquireTimeout = database.connectWait
        configuration.groupCommitWindow = database.groupCommitWindow
        configuration.groupCommitMaxBatch = database.groupCommitMaxBatch
        configuration.maxPendingWrites = database.maxPendingWrites
        return configuration
    }

    /// The SQLite settings.
    public var sqliteConfiguration: SQLiteConfiguration {
        var configuration = SQLiteConfiguration(
            path: database.path, durability: database.durability,
            groupCommitWindow: database.groupCommitWindow, groupCommitMaxBatch: database.groupCommitMaxBatch
        )
        configuration.maxPendingWrites = database.maxPendingWrites
        return configuration
    }
}
