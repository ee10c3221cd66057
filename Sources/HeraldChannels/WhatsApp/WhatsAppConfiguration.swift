/// Server-wide WhatsApp Cloud API settings; a profile's own `base_url`, `api_version` and
/// `app_secret` win over these.
public struct WhatsAppConfiguration: Sendable {
    /// The newest Graph API version Meta documents (v26.0, July 2026; v21.0 stops working in January 2027).
    public static let defaultAPIVersion = "v26.0"
    public static let defaultBaseURL = "https://graph.facebook.com"

    public var baseURL: String
    public var apiVersion: String
    /// The app secret callbacks are signed with, for profiles without their own.
    public var appSecret: String?
    /// The token Meta's callback verification must present.
    public var verifyToken: String?
    /// How long one attempt may take, connection included.
    public var timeout: Duration
    public var errorTable: WhatsAppErrorTable
    /// A profile's messages a second unless it sets `rate` (the Cloud API's default throughput).
    public var rate: Double
    /// Meta's pair rate limit: one message to a user from one number per `pairInterval`…
    public var pairInterval: Duration
    /// …after a burst of up to `pairBurst`.
    public var pairBurst: Int

    public static let defaultRate = 80.0
    public static let defaultPairInterval = Duration.seconds(6)
    public static let defaultPairBurst = 45

    public init(
        baseURL: String = defaultBaseURL,
        apiVersion: String = defaultAPIVersion,
        appSecret: String? = nil,
        verifyToken: String? = nil,
        timeout: Duration = .seconds(10),
        errorTable: WhatsAppErrorTable = .standard,
        rate: Double = defaultRate,
        pairInterval: Duration = defaultPairInterval,
        pairBurst: Int = defaultPairBurst
    ) {
        self.rate = rate
        self.pairInterval = pairInterval
        self.pairBurst = pairBurst
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.timeout = timeout
        self.errorTable = errorTable
    }
}
