/// One token bucket a send draws from: `rate` tokens a second, up to `burst` saved up. A send
/// costs `cost` tokens (a Twilio SMS costs one per segment). Buckets live in the dispatcher's
/// memory, shared by all dispatch of one process; a key names what the provider counts against
/// (`profile:<id>`, `whatsapp-app:<id>`, `twilio-account:<sid>`, `host:<host>`).
public struct RateLimit: Sendable, Hashable {
    public var key: String
    /// Tokens a second; `nil` is no limit until the provider throttles (then the bucket learns one).
    public var rate: Double?
    public var burst: Double
    public var cost: Double

    public init(key: String, rate: Double?, burst: Double, cost: Double = 1) {
        self.key = key
        self.rate = rate
        self.burst = max(1, burst)
        self.cost = cost
    }

    /// A bucket with no limit of its own: it only slows down when the provider says so.
    public static func shared(_ key: String) -> RateLimit {
        RateLimit(key: key, rate: nil, burst: 1)
    }
}

/// Spacing between sends from one sender to one recipient, kept in the database because any
/// process may send to a user: at most `burst` sends at once, then one per `interval`
/// (WhatsApp's pair rate limit: one message per 6 s, bursts up to 45).
public struct RecipientPacing: Sendable, Hashable {
    /// Sender and recipient, such as `profile:prf_…|+14155550100`.
    public var key: String
    public var interval: Duration
    public var burst: Int

    public init(key: String, interval: Duration, burst: Int) {
        self.key = key
        self.interval = interval
        self.burst = max(1, burst)
    }
}

/// Every limit one send is subject to.
public struct RateLimitPlan: Sendable, Hashable {
    public var buckets: [RateLimit]
    public var pacing: RecipientPacing?

    public init(buckets: [RateLimit] = [], pacing: RecipientPacing? = nil) {
        self.buckets = buckets
        self.pacing = pacing
    }

    /// No limit at all.
    public static let none = RateLimitPlan()
}
