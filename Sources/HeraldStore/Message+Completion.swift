public import Foundation
public import HeraldCore

extension Message {
    /// Applies a recorded attempt result; the caller has checked the lease.
    public mutating func apply(_ completion: Completion) {
        let now = completion.now
        // A leased message is `sending`, from which every resolution is legal.
        try? transition(to: completion.targetStatus, at: now)
        lease = nil
        leaseExpiries = 0
        attempts += completion.attemptIncrement
        notBefore = nil
        let throttledBefore = throttles
        throttles = 0
        switch completion.resolution {
        case .sent(let providerMessageID):
            sentAt = now
            providerMessageID.map { self.providerMessageID = $0 }
            lastError = nil
        case .retry(let at, let error):
            nextAttemptAt = at
            lastError = error
        case .failed(let error):
            failedAt = now
            lastError = error
        case .throttled(let at, let error):
            nextAttemptAt = at
            lastError = error
            throttles = throttledBefore + 1
        case .dryRun:
            lastError = nil
        case .deferred(let until):
            nextAttemptAt = until
            notBefore = until
            throttles = throttledBefore
        }
    }

    /// The message with its lease returned: queued, due at `now`.
    public func releasingLease(now: Date) -> Message {
        var message = self
        try? message.transition(to: .queued, at: now)
        message.lease = nil
        message.leaseExpiries = 0
        message.nextAttemptAt = now
        return message
    }

    /// Queues a failed message again with a fresh attempt budget.
    /// - Throws: ``HeraldError/illegalTransition(from:to:)`` unless the message failed;
    ///   ``HeraldError/contentCleared`` when retention cleared what it said.
    public mutating func requeueForManualRetry(now: Date) throws(HeraldError) {
        guard status.canTransition(to: .queued) else { throw .illegalTransition(from: status, to: .queued) }
        guard contentClearedAt == nil else { throw .contentCleared }
        try transition(to: .queued, at: now)
        attempts = 0
        nextAttemptAt = now
        notBefore = nil
        failedAt = nil
        lease = nil
        leaseExpiries = 0
    }
}
