public import Foundation
import HeraldCore
import Synchronization

extension InMemoryStore {
    public func clearContent(finishedBefore cutoff: Date, limit: Int, now: Date) async throws -> Int {
        state.withLock { state in
            let due = state.messages.values
                .filter { MessageStatus.finished.contains($0.status) && $0.updatedAt < cutoff && $0.contentClearedAt == nil }
                .sorted { $0.updatedAt < $1.updatedAt }
                .prefix(limit)
            for message in due {
                var cleared = message
                cleared.content = nil
                cleared.payload = nil
                cleared.template = nil
                cleared.metadata = [:]
                cleared.contentClearedAt = now
                state.messages[message.id] = cleared
            }
            return due.count
        }
    }
}
