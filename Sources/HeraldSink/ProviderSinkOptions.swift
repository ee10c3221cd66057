/// How `herald sink --provider whatsapp|twilio|botserver` behaves beyond answering: which
/// credentials it checks, where it sends the provider's signed status callbacks, and what
/// trouble it stages. The defaults check nothing, send no callbacks and stage nothing — what
/// the tests' scripted fake needs.
public struct ProviderSinkOptions: Sendable, Hashable {
    /// Where trouble shows.
    public enum FailMode: String, Sendable, Hashable, CaseIterable {
        /// Answered at once with the provider's error status and body.
        case send
        /// Accepted, then reported by a `failed` / `undelivered` status callback with the code.
        case callback
    }

    /// WhatsApp: the bearer token a send must carry (Graph's error 190 otherwise).
    public var token: String?
    /// Twilio: the auth token a send's basic auth must carry (error 20003 otherwise); it also
    /// signs the status callbacks (`X-Twilio-Signature`).
    public var authToken: String?
    /// WhatsApp: signs the status callbacks (`X-Hub-Signature-256`).
    public var appSecret: String?
    /// WhatsApp: where the status callbacks go (Herald's `/api/v1/callbacks/whatsapp`).
    /// Twilio's go to each request's own `StatusCallback`.
    public var callbackURL: String?
    /// The wait before each status callback.
    public var callbackDelay: Duration
    /// A Graph or Twilio error code to stage (131026, 21211, …).
    public var failCode: Int?
    /// The share of sends (0…1) that get ``failCode``; `nil`: all of them.
    public var failureRate: Double?
    public var failMode: FailMode

    public init(
        token: String? = nil, authToken: String? = nil, appSecret: String? = nil, callbackURL: String? = nil,
        callbackDelay: Duration = .seconds(1), failCode: Int? = nil, failureRate: Double? = nil, failMode: FailMode = .send
    ) {
        self.token = token
        self.authToken = authToken
        self.appSecret = appSecret
        self.callbackURL = callbackURL
        self.callbackDelay = callbackDelay
        self.failCode = failCode
        self.failureRate = failureRate
        self.failMode = failMode
    }

    /// Whether this send is one that gets the staged failure.
    func failsNow() -> Bool {
        guard failCode != nil else { return false }
        guard let failureRate else { return true }
        return Double.random(in: 0..<1) < failureRate
    }
}
