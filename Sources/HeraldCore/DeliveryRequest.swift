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

}
