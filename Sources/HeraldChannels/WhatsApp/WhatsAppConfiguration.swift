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

    public init(
        baseURL: String = defaultBaseURL,
        apiVersion: String = defaultAPIVersion,
        appSecret: String? = nil,
        verifyToken: String? = nil,
        timeout: Duration = .seconds(10),
        errorTable: WhatsAppErrorTable = .standard
    ) {
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.timeout = timeout
        self.errorTable = errorTable
    }
}
