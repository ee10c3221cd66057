public import Foundation
import Synchronization

extension InMemoryStore {
    public func dispatchPauses() async throws -> DispatchPauses {
        DispatchPauses(scopes: state.withLock { $0.pauses })
    }

    public func setPaused(_ paused: Bool, scope: PauseScope, now: Date) async throws -> Bool {
        let changed = state.withLock { state in
            paused ? state.pauses.insert(scope).inserted : state.pauses.remove(scope) != nil
        }
        if changed && !paused { workSignal.signal() }
        return changed
    }
}
