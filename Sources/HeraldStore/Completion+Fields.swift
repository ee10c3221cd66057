package import Foundation

extension Completion {
    /// The message fields a resolution sets, for drivers' `UPDATE`s: each `nil` keeps what is stored
    /// (`COALESCE`), except `error`, which replaces the last error.
    package var recordedFields: (sentAt: Date?, providerMessageID: String?, nextAttemptAt: Date?, failedAt: Date?, error: String?) {
        switch resolution {
        case .sent(let providerMessageID): (now, providerMessageID, nil, nil, nil)
        case .retry(let at, let reason): (nil, nil, at, nil, reason)
        case .failed(let reason): (nil, nil, nil, now, reason)
        }
    }
}
