/// How provider callbacks (`/api/v1/callbacks/…`) are checked and limited. They carry no API
/// key: a signature authenticates each.
public struct CallbackSettings: Sendable, Hashable {
    /// The base URL providers call Herald at (`app.public_url`): Twilio signs the full URL it
    /// called. Without it, the request's `Host` (and `X-Forwarded-Proto`) stand in.
    public var publicURL: String?
    /// The app secret Meta signs callbacks with (`whatsapp.app_secret`); each WhatsApp profile's
    /// own `app_secret` is tried too.
    public var whatsAppAppSecret: String?
    /// What Meta's verification request must present (`whatsapp.verify_token`).
    public var whatsAppVerifyToken: String?
    /// The largest callback body accepted, in bytes.
    public var maxBodyBytes: Int
    /// Callbacks a second each route takes in one process (`callbacks.rate_limit`); more are 429.
    public var rate: Double

    public static let defaultMaxBodyBytes = 1 << 20
    public static let defaultRate = 500.0

    public init(
        publicURL: String? = nil, whatsAppAppSecret: String? = nil, whatsAppVerifyToken: String? = nil,
        maxBodyBytes: Int = defaultMaxBodyBytes, rate: Double = defaultRate
    ) {
        self.publicURL = publicURL
        self.whatsAppAppSecret = whatsAppAppSecret
        self.whatsAppVerifyToken = whatsAppVerifyToken
        self.maxBodyBytes = maxBodyBytes
        self.rate = rate
    }
}
