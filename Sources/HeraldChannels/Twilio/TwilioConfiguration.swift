/// Server-wide Twilio settings; a profile's own `base_url` wins.
public struct TwilioConfiguration: Sendable {
    public static let defaultBaseURL = "https://api.twilio.com"

    public var baseURL: String
    /// When set, every SMS asks Twilio to report its status to `{publicURL}/api/v1/callbacks/twilio`.
    public var publicURL: String?
    /// How long one attempt may take, connection included.
    public var timeout: Duration
    /// SMS segments a second one sender (a long code) may send: Twilio's queue drains a US long
    /// code at one segment a second.
    public var segmentRate: Double

    public static let defaultSegmentRate = 1.0

    public init(baseURL: String = defaultBaseURL, publicURL: String? = nil, timeout: Duration = .seconds(10), segmentRate: Double = defaultSegmentRate) {
        self.baseURL = baseURL
        self.publicURL = publicURL
        self.timeout = timeout
        self.segmentRate = segmentRate
    }
}
