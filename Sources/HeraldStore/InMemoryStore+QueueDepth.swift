public import HeraldCore
import Synchronization

extension InMemoryStore {
    public func queueDepth() async throws -> [MessageStatus: Int] {
        state.withLock { state in
            state.messages.values.reduce(into: [:]) { counts, message in counts[message.status, default: 0] += 1 }
        }
    }
}
