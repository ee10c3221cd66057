/// A way of delivering messages: webhook, WhatsApp, Twilio, bot server.
///
/// A channel checks drafts at ingest (so a message that can never be sent is refused with a 4xx
/// rather than failing later), checks the sender profiles made for it, and sends one message per
/// call, classifying the provider's answer into a ``DeliveryOutcome``. `send` never throws for an
/// answer it understood. Everything provider-specific — wire format, error codes, the name of
/// the provider's id in answers — stays inside the channel.
///
/// Named so as not to clash with NIO's `Channel`.
public protocol DeliveryChannel: Sendable {
    /// The name clients use in `channel`, such as `webhook`.
    var name: String { get }

    /// The retry policy for this channel's messages.
    var retryPolicy: RetryPolicy { get }

    /// The longest one attempt may take, connection and name resolution included: a send never
    /// starts under a lease with less than this (and a second) left.
    var timeout: Duration { get }

    /// The field under which API answers repeat the provider's message id (such as
    /// `whatsapp_message_id`), or `nil` when `provider_message_id` alone names it.
    var providerIDField: String? { get }

    /// Whether a message cannot be sent without a sender profile of this channel.
    var requiresProfile: Bool { get }

    /// Whether the message's `metadata` itself goes to the provider, so Herald keeps its own
    /// copies of top-level fields (`tenant_id`, `outlet_id`, …) out of it.
    var sendsMetadata: Bool { get }

    /// The profile settings that are credentials: never shown, only a masked hint.
    var secretProfileFields: Set<String> { get }

    /// Checks a profile's provider settings.
    /// - Returns: every problem, each named `config.<field>`; empty when the settings can be used.
    func checkProfile(_ config: [String: JSONValue]) -> [FieldProblem]

    /// Checks and completes a draft (for example, fills in a default URL or normalizes a phone number).
    /// - Parameter profile: the sender profile chosen for the draft, if any.
    /// - Throws: ``HeraldError/validation(_:)`` listing every problem found.
    func prepare(_ draft: MessageDraft, profile: SenderProfile?) throws(HeraldError) -> MessageDraft

    /// Makes one attempt to deliver the request's message.
    func send(_ request: DeliveryRequest) async -> DeliveryReport

    /// What ``send(_:)`` would send, without sending anything: a dry run.
    func rehearse(_ request: DeliveryRequest) -> Rehearsal

    /// Asks the provider whether a profile's credentials work, and says what it answered.
    func checkCredentials(_ profile: SenderProfile) async -> CredentialCheck

    /// The rate limits one send of the request is subject to: the sender's own bucket, buckets
    /// the provider shares between senders, and recipient spacing. The first bucket's key is the
    /// message's ``Message/throttleKey``, so claims can leave out messages whose bucket is empty.
    func rateLimits(for request: DeliveryRequest) -> RateLimitPlan
}

extension DeliveryChannel {
    public var providerIDField: String? { nil }
    public var requiresProfile: Bool { false }
    public var secretProfileFields: Set<String> { [] }
    public var sendsMetadata: Bool { false }
    public func checkProfile(_ config: [String: JSONValue]) -> [FieldProblem] { [] }
    public func rateLimits(for request: DeliveryRequest) -> RateLimitPlan { .none }
    public func checkCredentials(_ profile: SenderProfile) async -> CredentialCheck {
        CredentialCheck(ok: true, detail: "\(name) profiles hold no credentials a provider could check")
    }
}

/// What a provider said about a profile's credentials.
public struct CredentialCheck: Sendable, Hashable {
    /// Whether the provider accepted them.
    public var ok: Bool
    /// The provider's HTTP status, when it answered.
    public var httpStatus: Int?
    /// What it said, in a sentence (never a credential).
    public var detail: String

    public init(ok: Bool, httpStatus: Int? = nil, detail: String) {
        self.ok = ok
        self.httpStatus = httpStatus
        self.detail = detail
    }
}

/// What a dry run of one message would have done.
public struct Rehearsal: Sendable, Hashable {
    /// What would have gone out (method, URL, body), kept as the dry-run attempt's entry.
    public var summary: String
    /// The line logged for the dry run.
    public var logLine: String

    public init(summary: String, logLine: String) {
        self.summary = summary
        self.logLine = logLine
    }
}
