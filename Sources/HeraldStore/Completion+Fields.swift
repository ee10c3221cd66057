package import Foundation

extension Completion {
    /// The message fields a resolution sets, for drivers' `UPDATE`s: each `nil` keeps what is stored
    /// (`COALESCE`), except `error`, which replaces the last error. `throttled` takes the attempt
    /// back (`attempts - 1`) and counts a throttle; any other resolution resets the throttles to 0.
    package var recordedFields: (
        sentAt: Date?, providerMessageID: String?, nextAttemptAt: Date?, failedAt: Date?, error: String?, throttled: Bool
    ) {
        switch resolution {
        case .sent(let providerMessageID): (now, providerMessageID, nil, nil, nil, false)
        case .retry(let at, let reason): (nil, nil, at, nil, reason, false)
        case .failed(let reason): (nil, nil, nil, now, reason, false)
        case .throttled(let at, let reason): (nil, nil, at, nil, reason, true)
        case .dryRun: (nil, nil, nil, nil, nil, false)
        }
    }
}
