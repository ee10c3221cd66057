package import Foundation

extension Completion {
    /// What a completion does to the message's throttle count.
    package enum ThrottleChange: Int {
        /// A real outcome: back to 0.
        case reset = 0
        /// The provider throttled the request: one more.
        case increment = 1
        /// A deferral: unchanged.
        case keep = 2
    }

    /// The message fields a resolution sets, for drivers' `UPDATE`s: each `nil` keeps what is stored
    /// (`COALESCE`), except `error`, which replaces the last error (a deferral keeps it), and
    /// `notBefore`, which is set by a deferral and cleared by anything else.
    package var recordedFields: (
        sentAt: Date?, providerMessageID: String?, nextAttemptAt: Date?, failedAt: Date?, error: String?,
        throttle: ThrottleChange, notBefore: Date?
    ) {
        switch resolution {
        case .sent(let providerMessageID): (now, providerMessageID, nil, nil, nil, .reset, nil)
        case .retry(let at, let reason): (nil, nil, at, nil, reason, .reset, nil)
        case .failed(let reason): (nil, nil, nil, now, reason, .reset, nil)
        case .throttled(let at, let reason): (nil, nil, at, nil, reason, .increment, nil)
        case .dryRun: (nil, nil, nil, nil, nil, .reset, nil)
        case .deferred(let until): (nil, nil, until, nil, nil, .keep, until)
        }
    }
}
