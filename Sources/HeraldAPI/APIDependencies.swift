public import HeraldCore
public import HeraldStore
public import Logging

/// What the HTTP API needs from the rest of Herald.
public struct APIDependencies: Sendable {
    public var store: any HeraldStore
    public var channels: ChannelRegistry
    public var authenticator: APIKeyAuthenticator
    public var clock: any WallClock
    public var limits: APILimits
    /// Shown by `/health`.
    public var version: String
    /// Shown by `/health`: `development`, `production`…
    public var environment: String
    public var logger: Logger

    public init(
        store: any HeraldStore,
        channels: ChannelRegistry,
        authenticator: APIKeyAuthenticator,
        clock: any WallClock = SystemWallClock(),
        limits: APILimits = .init(),
        version: String,
        environment: String,
        logger: Logger
    ) {
        self.store = store
        self.channels = channels
        self.authenticator = authenticator
        self.clock = clock
        self.limits = limits
        self.version = version
        self.environment = environment
        self.logger = logger
    }
}

/// Input limits; anything over them gets a 4xx, never a 500.
public struct APILimits: Sendable, Hashable {
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    public var maxIdempotencyKeyLength: Int
    public var priorityRange: ClosedRange<Int>

    public init(maxBodyBytes: Int = 1 << 20, maxIdempotencyKeyLength: Int = 255, priorityRange: ClosedRange<Int> = -100...100) {
        self.maxBodyBytes = maxBodyBytes
        self.maxIdempotencyKeyLength = maxIdempotencyKeyLength
        self.priorityRange = priorityRange
    }
}
