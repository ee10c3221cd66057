public import Foundation
package import HeraldCore

/// Clearing what finished messages said, once kept long enough (`retention.message_content`):
/// their content, payload, template and metadata go; the message (status, times, recipient,
/// provider id, receipts) and its delivery log stay.
public protocol RetentionStore: Sendable {
    /// Clears up to `limit` finished messages (no longer scheduled, queued or sending) last
    /// changed before `cutoff`, not cleared before, oldest first, in one transaction.
    /// - Returns: how many were cleared.
    func clearContent(finishedBefore cutoff: Date, limit: Int, now: Date) async throws -> Int
}

extension MessageStatus {
    /// The statuses of messages that will not be sent again: their content may be cleared.
    package static let finished: [MessageStatus] = MessageStatus.allCases.filter { !awaitingSend.contains($0) }
}
