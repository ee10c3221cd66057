public import Foundation
public import HeraldCore
import Synchronization

/// Every token bucket of one process, shared by all its dispatch: a send takes from each bucket
/// of its ``RateLimitPlan`` or is given the moment it may go (and that moment is reserved, so
/// the message is put back once and comes back in turn).
///
/// On PostgreSQL each process enforces its share: the configured rate and burst divided by the
/// number of live processes (``init(processCount:)``). Buckets nobody used for a while are
/// forgotten, so memory follows the senders in use, not every sender ever seen.
public final class RateLimiterRegistry: Sendable {
    /// The most throttle keys one claim leaves out (the rest are claimed and put back).
    static let maxExcludedKeys = 500

    private struct State {
        var buckets: [String: TokenBucket] = [:]
        /// For a message's own key, the shared buckets its last send also drew from: when one
        /// of those is empty, the key's new messages are left out of claims too.
        var sharedWith: [String: [String]] = [:]
        /// Messages put back with their sends reserved, by id: they go without taking again.
        var held: [MessageID: Hold] = [:]
        var lastPrune: Date = .distantPast
    }

    private let state = Mutex(State())
    private let processCount: @Sendable () -> Int

    /// - Parameter processCount: how many processes share each limit (the live ones in the
    ///   PostgreSQL process registry); 1 for an embedded store.
    public init(processCount: @escaping @Sendable () -> Int = { 1 }) {
        self.processCount = processCount
    }

    /// A message put back with its send reserved.
    public struct Hold: Sendable, Hashable {
        /// When it may go.
        public var until: Date
        /// Whether its recipient spacing is reserved too.
        public var pacingReserved: Bool
    }

    /// Takes one send from every bucket in `limits`, now or at the first moment all of them
    /// allow (reserved: the buckets count it then).
    /// - Returns: `nil` when it may go now; else the moment reserved for it.
    public func acquire(_ limits: [RateLimit], now: Date) -> Date? {
        guard !limits.isEmpty else { return nil }
        let share = Double(max(1, processCount()))
        return state.withLock { state in
            var slot = now
            for limit in limits {
                var bucket = state.buckets[limit.key] ?? TokenBucket(now: now)
                bucket.configuredRate = limit.rate.map { max(TokenBucket.floorRate, $0 / share) }
                bucket.burst = max(1, limit.burst / share)
                state.buckets[limit.key] = bucket
                slot = max(slot, bucket.slot(now: now, cost: limit.cost))
            }
            for limit in limits { state.buckets[limit.key]?.take(at: slot, cost: limit.cost, now: now) }
            if limits.count > 1 { state.sharedWith[limits[0].key] = limits.dropFirst().map(\.key) }
            prune(&state, now: now)
            return slot > now ? slot : nil
        }
    }

    /// Takes one request from `limit`'s bucket if it allows one now; never reserves (for
    /// requests that are refused, not put back: the callback routes).
    /// - Returns: `nil` when taken; else when the bucket next allows one.
    public func tryAcquire(_ limit: RateLimit, now: Date) -> Date? {
        state.withLock { state in
            var bucket = state.buckets[limit.key] ?? TokenBucket(now: now)
            bucket.configuredRate = limit.rate
            bucket.burst = limit.burst
            let slot = bucket.slot(now: now, cost: limit.cost)
            if slot <= now { bucket.take(at: now, cost: limit.cost, now: now) }
            state.buckets[limit.key] = bucket
            return slot > now ? slot : nil
        }
    }

    /// Remembers that `message` was put back until `until` with its send reserved.
    public func hold(_ message: MessageID, until: Date, pacingReserved: Bool) {
        state.withLock { $0.held[message] = Hold(until: until, pacingReserved: pacingReserved) }
    }

    /// The reservation `message` was put back with, if this process made one (and forgets it).
    public func redeem(_ message: MessageID) -> Hold? {
        state.withLock { $0.held.removeValue(forKey: message) }
    }

    /// The provider throttled a send drawn from `key`: that bucket slows down (AIMD) and sends
    /// nothing for `after`.
    public func throttled(_ key: String, now: Date, after: Duration?) {
        state.withLock { state in
            var bucket = state.buckets[key] ?? TokenBucket(now: now)
            bucket.throttle(now: now, after: after)
            state.buckets[key] = bucket
        }
    }

    /// The throttle keys whose messages cannot go now: a claim leaves their new messages out.
    public func excludedKeys(now: Date) -> [String] {
        state.withLock { state in
            var keys: [String] = []
            for (key, bucket) in state.buckets where key.hasPrefix("profile:") || key.hasPrefix("host:") {
                let closed = bucket.slot(now: now, cost: 1) > now
                    || (state.sharedWith[key] ?? []).contains { state.buckets[$0].map { $0.slot(now: now, cost: 1) > now } ?? false }
                if closed { keys.append(key) }
                if keys.count == Self.maxExcludedKeys { break }
            }
            return keys.sorted()
        }
    }

    /// The next moment a closed bucket opens, to wake for the messages its claims left out.
    public func nextOpening(now: Date) -> Date? {
        state.withLock { state in
            state.buckets.values.lazy.map { $0.slot(now: now, cost: 1) }.filter { $0 > now }.min()
        }
    }

    /// The rate a bucket enforces now (after any lowering), `nil` for none or unknown.
    public func currentRate(_ key: String) -> Double? {
        state.withLock { $0.buckets[key]?.rate }
    }

    private func prune(_ state: inout State, now: Date) {
        guard now.timeIntervalSince(state.lastPrune) >= 60 else { return }
        state.lastPrune = now
        state.buckets = state.buckets.filter { !$0.value.isIdle(now: now) }
        state.sharedWith = state.sharedWith.filter { state.buckets[$0.key] != nil }
        // A reservation nobody came back for (the message went to another process, or was cancelled).
        state.held = state.held.filter { $0.value.until > now.addingTimeInterval(-600) }
    }
}
