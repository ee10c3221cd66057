public import Foundation

/// One delivery attempt, kept as the message's delivery log.
public struct AttemptRecord: Sendable, Hashable, Codable {
    public var id: AttemptID
    public var messageID: MessageID
    /// 1 for the first attempt.
    public var number: Int
    public var startedAt: Date
    public var duration: Duration
    /// The provider's HTTP status, when an answer came back.
    public var httpStatus: Int?
    public var outcome: AttemptOutcome
    /// A short, log-safe reason when the attempt did not succeed.
    public var error: String?
    /// The first bytes of the provider's answer.
    public var responseExcerpt: String?

    public init(
        id: AttemptID,
        messageID: MessageID,
        number: Int,
        startedAt: Date,
        duration: Duration,
        httpStatus: Int?,
        outcome: AttemptOutcome,
        error: String?,
        responseExcerpt: String?
    ) {
        self.id = id
        self.messageID = messageID
        self.number = number
        self.startedAt = startedAt
        self.duration = duration
        self.httpStatus = httpStatus
        self.outcome = outcome
        self.error = error
        self.responseExcerpt = responseExcerpt
    }
}

/// What one attempt led to.
public enum AttemptOutcome: String, Sendable, Hashable, Codable {
    /// The provider accepted the message.
    case sent
    /// The attempt failed for a passing reason and another is scheduled.
    case retry
    /// The attempt failed and no other will follow.
    case failed
    /// The provider asked to slow down; the message waits without using up its retry budget.
    case throttled
    /// A dry run: nothing went out; the entry's excerpt says what would have.
    case dryRun = "dry_run"
}
