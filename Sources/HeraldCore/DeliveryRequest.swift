/// One attempt to deliver, as a channel receives it: the stored message with the sender profile
/// it is sent with (read at send time, so rotated credentials apply to queued messages).
public struct DeliveryRequest: Sendable {
    public var message: Message
    /// The sender profile; `nil` for a message sent with the server's own settings (webhooks).
    public var profile: SenderProfile?
    /// 1 for the first attempt.
    public var attempt: Int

    public init(message: Message, profile: SenderProfile?, attempt: Int) {
        self.message = message
        self.profile = profile
        self.attempt = attempt
    }

    /// What the message's sending rate is counted against: `profile:<id>` when it has a profile,
    /// else `<channel>:<url or recipient>`. Derived when asked, so a send that needs no rate
    /// limit builds no string.
    public var rateLimitKey: String {
        if let profile { return "profile:\(profile.id.rawValue)" }
        return "\(message.channel):\(message.url ?? message.recipient ?? "")"
    }
}
