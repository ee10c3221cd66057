public import Foundation

/// What one dispatch cycle did: how many messages it claimed and how their attempts ended.
public struct DispatchCycle: Sendable, Hashable {
    public var startedAt: Date
    public var finishedAt: Date
    public var claimed: Int
    public var sent: Int
    public var retried: Int
    public var failed: Int

    public init(startedAt: Date, finishedAt: Date, claimed: Int = 0, sent: Int = 0, retried: Int = 0, failed: Int = 0) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.claimed = claimed
        self.sent = sent
        self.retried = retried
        self.failed = failed
    }
}

/// The dispatcher's state for the status API.
public struct DispatcherStatus: Sendable, Hashable {
    public var inFlight: Int
    public var concurrency: Int
    /// Attempts that ended in the last minute, by outcome.
    public var sentLastMinute: Int
    public var retriedLastMinute: Int
    public var failedLastMinute: Int
    /// The last cycle run on request (``Dispatcher/runCycle()``), if any.
    public var lastCycle: DispatchCycle?
}
