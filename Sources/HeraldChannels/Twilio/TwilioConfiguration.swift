/// Server-wide Twilio settings; a profile's own `base_url` wins.
public struct TwilioConfiguration: Sendable {
    public static let defaultBaseURL = "https://api.twilio.com"

    public var baseURL: String
    /// When set, every SMS asks Twilio to report its status to `{publicURL}/api/v1/callbacks/twilio`.
    public var publicURL: String?
    /// How long one attempt may take, connection included.
    public var timeout: Duration

    public init(baseURL: String = defaultBaseURL, publicURL: String? = nil, timeout: Duration = .seconds(10)) {
        self.baseURL = baseURL
        self.publicURL = publicURL
        self.timeout = timeout
    }
}
