import HeraldCore
import HeraldStoreSQLite

/// One setting: its YAML path, its environment variables, what it means, and how to apply a
/// textual value. The table in ``all`` is the single source for parsing and for the README's
/// configuration reference.
public struct ConfigurationKey: Sendable {
    /// `section.key` as written in `herald.yaml`.
    public let path: String
    /// Extra environment names kept for scripts (`HERALD_PORT` besides `HERALD_APP_PORT`).
    public let aliases: [String]
    public let summary: String
    public let defaultText: String
    let apply: @Sendable (inout HeraldConfiguration, String) throws(HeraldError) -> Void

    /// `HERALD_` + the path in capitals with `_` for `.`.
    public var environmentName: String {
        "HERALD_" + path.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    init(
        _ path: String,
        aliases: [String] = [],
        default defaultText: String,
        _ summary: String,
        apply: @escaping @Sendable (inout HeraldConfiguration, String) throws(HeraldError) -> Void
    ) {
        self.path = path
        self.aliases = aliases
        self.summary = summary
        self.defaultText = defaultText
        self.apply = apply
    }
}

extension ConfigurationKey {
    /// Every setting Herald reads.
    public static let all: [ConfigurationKey] = core + providers

    /// The server's own settings; the providers' are in ``providers``.
    static let core: [ConfigurationKey] = [
        .init("app.host", aliases: ["HERALD_HOST"], default: "127.0.0.1", "address to listen on") { $0.app.host = $1 },
        .init("app.port", aliases: ["HERALD_PORT"], default: "8080", "port to listen on") { c, v throws(HeraldError) in
            c.app.port = try int(v, "app.port", 0...65535)
        },
        .init("app.api_key", aliases: ["HERALD_API_KEY"], default: "(generated once)", "the default tenant's API key") { $0.app.apiKey = $1.isEmpty ? nil : $1 },
        .init("app.admin_key", aliases: ["HERALD_ADMIN_KEY"], default: "(generated once)", "the administrator's key: manages tenants and keys") {
            $0.app.adminKey = $1.isEmpty ? nil : $1
        },
        .init("app.public_url", aliases: ["HERALD_PUBLIC_URL"], default: "(none)", "this server's address as providers reach it, for status callbacks") {
            $0.app.publicURL = $1.isEmpty ? nil : $1
        },
        .init("app.default_channel", aliases: ["HERALD_DEFAULT_CHANNEL"], default: "webhook", "channel of a message that names none and whose outlet has no profile") {
            $0.app.defaultChannel = $1
        },
        .init("app.environment", aliases: ["HERALD_ENVIRONMENT"], default: "development", "shown by /health") { $0.app.environment = $1 },
        .init("app.max_backlog", default: "(none)", "most messages waiting to be sent (counted once a second); past it ingest answers 503 backlog_full with Retry-After") { c, v throws(HeraldError) in
            c.app.maxBacklog = v.isEmpty ? nil : try int(v, "app.max_backlog", 1...1_000_000_000)
        },
        .init("app.read_timeout", default: "30s", "a connection that sends nothing this long (a stalled or trickled body) is closed") { c, v throws(HeraldError) in
            c.app.readTimeout = try duration(v, "app.read_timeout")
        },
        .init("app.max_body_bytes", default: "1048576", "largest request body accepted (413 above)") { c, v throws(HeraldError) in
            c.app.maxBodyBytes = try int(v, "app.max_body_bytes", 1024...(64 << 20))
        },
        .init("app.max_batch_body_bytes", default: "16777216", "largest batch request body (413 above)") { c, v throws(HeraldError) in
            c.app.maxBatchBodyBytes = try int(v, "app.max_batch_body_bytes", 1024...(256 << 20))
        },
        .init("app.max_batch_items", default: "1000", "most messages in one batch request") { c, v throws(HeraldError) in
            c.app.maxBatchItems = try int(v, "app.max_batch_items", 1...10_000)
        },
        .init("app.max_send_wait", default: "30s", "longest POST /api/v1/messages/send waits for the first attempt") { c, v throws(HeraldError) in
            c.app.maxSendWait = try duration(v, "app.max_send_wait")
        },
        .init("app.log_level", aliases: ["HERALD_LOG_LEVEL"], default: "info", "trace, debug, info, notice, warning, error, critical") { c, v throws(HeraldError) in
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(v) else {
                throw .invalidConfiguration("app.log_level: '\(v)' is not a log level")
            }
            c.app.logLevel = v
        },
        .init("database.url", default: "", "postgres://user:password@host:5432/db?sslmode=require&schema=herald to share PostgreSQL among processes; unset for SQLite") { c, v in
            c.database.url = v.isEmpty ? nil : v
        },
        .init("database.path", aliases: ["HERALD_DATABASE"], default: "herald.sqlite", "the SQLite file (when database.url is unset)") { $0.database.path = $1 },
        .init("database.durability", default: "full", "full (survives power loss), normal (survives a killed process), off") { c, v throws(HeraldError) in
            guard let durability = SQLiteConfiguration.Durability(rawValue: v) else {
                throw .invalidConfiguration("database.durability must be full, normal or off (got '\(v)')")
            }
            c.database.durability = durability
        },
        .init("database.group_commit_window", default: "200us", "how long a group commit waits for company (0 for none)") { c, v throws(HeraldError) in
            c.database.groupCommitWindow = try duration(v, "database.group_commit_window")
        },
        .init("database.max_pending_writes", default: "20000", "most messages waiting to be stored; past it ingest answers 503 overloaded with Retry-After") { c, v throws(HeraldError) in
            c.database.maxPendingWrites = try int(v, "database.max_pending_writes", 1...10_000_000)
        },
        .init(
            "database.secret_key", aliases: ["HERALD_SECRET_KEY"], default: "(SQLite: a key file beside the database)",
            "base64 of 32 bytes that seals the stored secrets (AES-GCM); required with PostgreSQL, the same in every process"
        ) { $0.database.secretKey = $1.isEmpty ? nil : $1 },
        .init("database.group_commit_max_batch", default: "1000", "most writes in one group commit") { c, v throws(HeraldError) in
            c.database.groupCommitMaxBatch = try int(v, "database.group_commit_max_batch", 1...100_000)
        },
        .init("database.pool_size", default: "20", "PostgreSQL: most connections per process") { c, v throws(HeraldError) in
            c.database.poolSize = try int(v, "database.pool_size", 2...1000)
        },
        .init("database.connect_wait", default: "5s", "PostgreSQL: how long a request waits for a connection before answering 503") { c, v throws(HeraldError) in
            c.database.connectWait = try duration(v, "database.connect_wait")
        },
        .init("database.heartbeat_interval", default: "2s", "PostgreSQL: how often each process heartbeats") { c, v throws(HeraldError) in
            c.database.heartbeatInterval = try duration(v, "database.heartbeat_interval")
        },
        .init("database.process_timeout", default: "10s", "PostgreSQL: a process silent this long is gone; its leases are taken over") { c, v throws(HeraldError) in
            c.database.processTimeout = try duration(v, "database.process_timeout")
        },
        .init(
            "dispatcher.concurrency", aliases: ["HERALD_DISPATCH_CONCURRENCY"], default: "256",
            "messages in flight at once: being sent, or sent and waiting for their outcome to be written"
        ) { c, v throws(HeraldError) in
            c.dispatcher.concurrency = try int(v, "dispatcher.concurrency", 1...10_000)
        },
        .init(
            "dispatcher.connections_per_host", default: "64",
            "most sends (and connections) to one destination — a receiver's scheme, host and port — at once; more wait, put back without an attempt"
        ) { c, v throws(HeraldError) in
            c.dispatcher.connectionsPerHost = try int(v, "dispatcher.connections_per_host", 1...10_000)
        },
        .init(
            "dispatcher.tenant_share", default: "0.5",
            "the share of the send slots (more than 0, at most 1) one tenant may hold while another tenant has due work"
        ) { c, v throws(HeraldError) in
            guard let value = Double(v), value > 0, value <= 1 else {
                throw .invalidConfiguration("dispatcher.tenant_share must be a number more than 0 and at most 1 (got '\(v)')")
            }
            c.dispatcher.tenantShare = value
        },
        .init("dispatcher.batch_size", default: "100", "most messages one claim takes") { c, v throws(HeraldError) in
            c.dispatcher.batchSize = try int(v, "dispatcher.batch_size", 1...10_000)
        },
        .init("dispatcher.lease_duration", aliases: ["HERALD_LEASE_DURATION"], default: "30s", "how long a claim holds a message") { c, v throws(HeraldError) in
            c.dispatcher.leaseDuration = try duration(v, "dispatcher.lease_duration")
        },
        .init("dispatcher.poll_interval", default: "1s", "fallback wake-up for scheduled and retried work") { c, v throws(HeraldError) in
            c.dispatcher.pollInterval = try duration(v, "dispatcher.poll_interval")
        },
        .init("dispatcher.shutdown_grace", default: "10s", "on shutdown, how long in-flight sends may finish") { c, v throws(HeraldError) in
            c.dispatcher.shutdownGrace = try duration(v, "dispatcher.shutdown_grace")
        },
        .init(
            "dispatcher.max_claims", default: "5",
            "how many times a message's lease may expire with nothing recorded (it kills or hangs the process) before it ends failed with reason poison"
        ) { c, v throws(HeraldError) in
            c.dispatcher.maxClaims = try int(v, "dispatcher.max_claims", 1...1000)
        },
        .init("dispatcher.paused", default: "false", "store a server-wide pause of dispatching at start (it holds until resumed with the admin key)") { c, v throws(HeraldError) in
            c.dispatcher.paused = try bool(v, "dispatcher.paused")
        },
        .init("dispatcher.dry_run", default: "false", "every message accepted is a dry run: nothing goes out (herald serve --dry-run)") { c, v throws(HeraldError) in
            c.dispatcher.dryRun = try bool(v, "dispatcher.dry_run")
        },
        .init("retry.strategy", default: "schedule", "schedule (retry.schedule) or exponential (the formula keys)") { $0.retry.strategy = $1 },
        .init("retry.schedule", default: "5s,5m,30m,2h,5h,10h,10h", "delays between attempts; its length sets the number of retries") { c, v throws(HeraldError) in
            guard let delays = DurationText.parseList(v) else {
                throw .invalidConfiguration("retry.schedule: '\(v)' is not a list of durations such as 1s,5s,30s")
            }
            c.retry.schedule = delays
        },
        .init("retry.initial_delay", default: "1s", "exponential: first delay") { c, v throws(HeraldError) in
            c.retry.initialDelay = try duration(v, "retry.initial_delay")
        },
        .init("retry.multiplier", default: "2", "exponential: growth per attempt") { c, v throws(HeraldError) in
            guard let value = Double(v), value >= 1 else { throw .invalidConfiguration("retry.multiplier must be a number ≥ 1 (got '\(v)')") }
            c.retry.multiplier = value
        },
        .init("retry.max_delay", default: "1h", "exponential: cap on one delay") { c, v throws(HeraldError) in
            c.retry.maxDelay = try duration(v, "retry.max_delay")
        },
        .init("retry.max_attempts", default: "8", "exponential: attempts in all") { c, v throws(HeraldError) in
            c.retry.maxAttempts = try int(v, "retry.max_attempts", 1...1000)
        },
        .init("retry.jitter", default: "0.2", "spread of each delay (0.2 = ±20 %)") { c, v throws(HeraldError) in
            guard let value = Double(v), (0...1).contains(value) else { throw .invalidConfiguration("retry.jitter must be between 0 and 1 (got '\(v)')") }
            c.retry.jitter = value
        },
        .init("retry.max_retry_after", default: "1h", "longest wait a provider's Retry-After can impose") { c, v throws(HeraldError) in
            c.retry.maxRetryAfter = try duration(v, "retry.max_retry_after")
        },
        .init("retry.min_throttled_delay", default: "1m", "shortest wait after a 429, 408 or timeout without Retry-After") { c, v throws(HeraldError) in
            c.retry.minThrottledDelay = try duration(v, "retry.min_throttled_delay")
        },
        .init("webhook.url", default: "(none)", "URL for messages that name none") { $0.webhook.url = $1.isEmpty ? nil : $1 },
        .init("webhook.secret", default: "(generated once)", "whsec_… signing secret") { $0.webhook.secret = $1.isEmpty ? nil : $1 },
        .init(
            "webhook.previous_secret", default: "(none)",
            "after changing webhook.secret: the old whsec_ secret, which still signs beside the new one (both signatures sent) until webhook.previous_secret_until"
        ) { c, v throws(HeraldError) in
            guard !v.isEmpty else { return c.webhook.previousSecret = nil }
            guard v.hasPrefix("whsec_") else { throw .invalidConfiguration("webhook.previous_secret must be a whsec_ secret") }
            c.webhook.previousSecret = v
        },
        .init(
            "webhook.previous_secret_until", default: "(while set)",
            "when the previous secret stops signing, an RFC 3339 time such as 2026-12-09T00:00:00Z (the overlap)"
        ) { c, v throws(HeraldError) in
            guard !v.isEmpty else { return c.webhook.previousSecretUntil = nil }
            guard let until = Timestamp.parse(v) else {
                throw .invalidConfiguration("webhook.previous_secret_until must be an RFC 3339 time such as 2026-12-09T00:00:00Z (got '\(v)')")
            }
            c.webhook.previousSecretUntil = until
        },
        .init("webhook.bearer_token", default: "(none)", "sent as Authorization: Bearer") { $0.webhook.bearerToken = $1.isEmpty ? nil : $1 },
        .init("webhook.allowed_hosts", default: "(any)", "comma-separated hosts webhooks may go to; others get 422 at ingest") {
            let hosts = $1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            $0.webhook.allowedHosts = hosts.isEmpty ? nil : Set(hosts)
        },
        .init("webhook.timeout", default: "10s", "longest one attempt may take") { c, v throws(HeraldError) in
            c.webhook.timeout = try duration(v, "webhook.timeout")
        },
        .init(
            "retention.message_content", default: "(kept)",
            "clear content, payload and metadata of messages finished longer ago than this (such as 30d), keeping the delivery log"
        ) { c, v throws(HeraldError) in
            c.retainMessageContent = v.isEmpty ? nil : try duration(v, "retention.message_content")
        },
        .init("webhook.secret_overlap", default: "24h", "how long a tenant's rotated webhook secret still signs beside the new one (both signatures sent)") { c, v throws(HeraldError) in
            c.webhook.secretOverlap = try duration(v, "webhook.secret_overlap")
        },
        .init("events.secret_overlap", default: "24h", "how long a rotated events secret still signs beside the new one (both signatures sent)") { c, v throws(HeraldError) in
            c.eventsSecretOverlap = try duration(v, "events.secret_overlap")
        },
        .init(
            "outbound.allowed_networks", aliases: ["HERALD_ALLOWED_NETWORKS"], default: "(none)",
            "comma-separated CIDRs outbound requests may reach although loopback, private, link-local, CGNAT, multicast or metadata (such as 127.0.0.0/8 for a local receiver)"
        ) { c, v throws(HeraldError) in
            c.outbound = try OutboundPolicy(allowedNetworks: v)
        },
        .init(
            "outbound.resolver_threads", default: "8",
            "threads outbound host names are looked up on (a pool of their own; a look-up counts in its attempt's timeout)"
        ) { c, v throws(HeraldError) in
            c.resolverThreads = try int(v, "outbound.resolver_threads", 1...256)
        },
        .init(
            "outbound.max_pinned_clients", default: "256",
            "most HTTP clients pinned to checked https addresses kept at once; the least recently used idle one is shut down first"
        ) { c, v throws(HeraldError) in
            c.maxPinnedClients = try int(v, "outbound.max_pinned_clients", 1...100_000)
        },
        .init("metrics.enabled", default: "true", "serve GET /metrics (Prometheus text format; the admin key or metrics.allowed_networks may read it)") { c, v throws(HeraldError) in
            c.metrics.enabled = try bool(v, "metrics.enabled")
        },
        .init(
            "metrics.allowed_networks", default: "(none)",
            "comma-separated CIDRs that may read /metrics without a key (such as 10.0.0.0/8 for a Prometheus server)"
        ) { c, v throws(HeraldError) in
            c.metrics.allowedNetworks = try IPNetwork.list(v, setting: "metrics.allowed_networks")
        },
    ]

    static func int(_ text: String, _ path: String, _ range: ClosedRange<Int>) throws(HeraldError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw .invalidConfiguration("\(path) must be a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(text)')")
        }
        return value
    }

    static func rate(_ text: String, _ path: String) throws(HeraldError) -> Double {
        guard let value = Double(text), value > 0, value <= 1_000_000 else {
            throw .invalidConfiguration("\(path) must be a number of sends a second above 0, such as 80 or 0.5 (got '\(text)')")
        }
        return value
    }

    static func duration(_ text: String, _ path: String) throws(HeraldError) -> Duration {
        guard let value = DurationText.parse(text) else {
            throw .invalidConfiguration("\(path) must be a duration such as 250ms, 5s, 10m or 2h (got '\(text)')")
        }
        return value
    }

    static func bool(_ text: String, _ path: String) throws(HeraldError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw .invalidConfiguration("\(path) must be true or false (got '\(text)')")
        }
    }
}

import Foundation
