/// A way of delivering messages: webhook, WhatsApp, Twilio, bot server, dry run.
///
/// A channel checks drafts at ingest (so a message that can never be sent is refused with a 4xx
/// rather than failing later), and sends one message per call, classifying the provider's
/// answer into a ``DeliveryOutcome``. `send` never throws for an answer it understood.
public protocol Channel: Sendable {
    /// The name clients use in `channel`, such as `webhook`.
    var name: String { get }

    /// The retry policy for this channel's messages.
    var retryPolicy: RetryPolicy { get }

    /// Checks and completes a draft (for example, fills in a default URL).
    /// - Throws: ``HeraldError/validation(_:)`` listing every problem found.
    func prepare(_ draft: MessageDraft) throws(HeraldError) -> MessageDraft

    /// Makes one attempt to deliver `message`.
    /// - Parameter attempt: 1 for the first attempt.
    func send(_ message: Message, attempt: Int) async -> DeliveryReport
}

/// The channels a process knows, by name.
public struct ChannelRegistry: Sendable {
    private let channels: [String: any Channel]

    public init(_ channels: [any Channel]) {
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The channel named `name`, if any.
    public subscript(name: String) -> (any Channel)? { channels[name] }

    /// Every known name, sorted.
    public var names: [String] { channels.keys.sorted() }
}
