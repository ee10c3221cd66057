/// One attempt to deliver, as a channel receives it: the stored message with the sender profile
/// it is sent with (read at send time, so rotated credentials apply to queued messages).
public struct DeliveryRequest: Sendable {
    public var message: Message
    /// The sender profile; `nil` for a message sent with the server's own settings (webhooks).
    public var profile: SenderProfile?
    /// What the message's sending rate is counted against: its profile, else its channel and
    /// destination.
    public var rateLimitKey: String
    /// 1 for the first attempt.
    public var attempt: Int

    public init(message: Message, profile: SenderProfile?, attempt: Int) {
        self.message = message
        self.profile = profile
        self.attempt = attempt
        self.rateLimitKey = Self.rateLimitKey(message: message, profile: profile)
    }

    /// The key a message's rate limit uses: `profile:<id>` when it has a profile, else
    /// `<channel>:<url or recipient>`.
    public static func rateLimitKey(message: Message, profile: SenderProfile?) -> String {
        if let profile { return "profile:\(profile.id.rawValue)" }
        return "\(message.channel):\(message.url ?? message.recipient ?? "")"
    }
}
