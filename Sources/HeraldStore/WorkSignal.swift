public import Foundation
public import HeraldCore
import Synchronization

/// Wakes a waiting dispatcher as soon as there may be work: a committed enqueue, a retry, a
/// freed send slot, a shutdown. Signals sent while nobody waits are remembered (once), so none
/// is lost between a check and a wait.
public final class WorkSignal: Sendable {
    private struct State {
        var pending = false
        var signals = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextToken = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes every waiter, or the next one to wait if none is waiting.
    public func signal() {
        let waiters = state.withLock { state in
            state.signals += 1
            if state.waiters.isEmpty {
                state.pending = true
                return [CheckedContinuation<Void, Never>]()
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many signals were sent so far: a waiter that saw this number before it waited knows,
    /// while it is unchanged, that nothing woke it since.
    public var signals: Int { state.withLock { $0.signals } }

    /// Returns when signalled, when `timeout` has passed on `clock`, or when the task is cancelled.
    public func wait(timeout: Duration, clock: any WallClock = SystemWallClock()) async {
        await wait(until: clock.now().adding(timeout), clock: clock)
    }

    /// Returns when signalled, at `deadline` on `clock`, or when the task is cancelled. A
    /// deadline, not a duration: time that passes before the wait starts is not added to it.
    public func wait(until deadline: Date, clock: any WallClock = SystemWallClock()) async {
        if state.withLock({ state in defer { state.pending = false }; return state.pending }) { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(until: deadline) }
            group.addTask { await self.waitForSignal() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        let token = state.withLock { state in
            defer { state.nextToken += 1 }
            return state.nextToken
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    if Task.isCancelled { return true }
                    state.waiters[token] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: token) }
            waiter?.resume()
        }
    }
}
