import HeraldCore
import HeraldStore
import Synchronization

/// This process's messages in flight, counted by tenant (from claim to recorded outcome: the
/// slot they hold) and by destination (from claim to the receiver's answer: the send itself,
/// not the wait for its record): what claims are told (``ClaimFairness``) so no tenant takes
/// more than its share of the slots while others have due work, and no destination more than
/// `dispatcher.connections_per_host` sends at once.
///
/// A claim that stopped short because a tenant or a destination was at its bound is worth
/// making again once that bound has room for a few more: ``remove(_:)`` says when.
final class InFlightLedger: Sendable {
    private struct Counts {
        var tenants: [TenantID: Int] = [:]
        var destinations: [String: Int] = [:]
        /// The messages still counted against their destination.
        var sending: [MessageID: String] = [:]
    }

    /// The most slots one tenant holds while another has due work.
    let tenantShare: Int
    /// The most sends to one destination at once.
    let perDestination: Int
    private let counts = Mutex(Counts())

    init(tenantShare: Int, perDestination: Int) {
        self.tenantShare = max(1, tenantShare)
        self.perDestination = max(1, perDestination)
    }

    /// Counts claimed messages in.
    func add(_ messages: [Message]) {
        guard !messages.isEmpty else { return }
        counts.withLock { counts in
            for message in messages {
                counts.tenants[message.tenantID, default: 0] += 1
                if let destination = message.destination {
                    counts.destinations[destination, default: 0] += 1
                    counts.sending[message.id] = destination
                }
            }
        }
    }

    /// Counts a message's send out of its destination (the receiver answered, or no send will
    /// be made).
    /// - Returns: whether the destination has just come back under its bound by enough for a
    ///   claim to be worth it again.
    @discardableResult
    func answered(_ message: Message) -> Bool {
        counts.withLock { Self.releaseDestination(of: message.id, in: &$0, bound: perDestination) }
    }

    /// Counts a message out (its outcome is recorded, or it was put back).
    /// - Returns: whether its tenant or its destination has just come back under its bound by
    ///   enough for a claim to be worth it again.
    @discardableResult
    func remove(_ message: Message) -> Bool {
        counts.withLock { counts in
            var wake = Self.releaseDestination(of: message.id, in: &counts, bound: perDestination)
            if let count = counts.tenants[message.tenantID] {
                counts.tenants[message.tenantID] = count > 1 ? count - 1 : nil
                wake = wake || count - 1 == tenantShare - Self.step(tenantShare)
            }
            return wake
        }
    }

    private static func releaseDestination(of id: MessageID, in counts: inout Counts, bound: Int) -> Bool {
        guard let destination = counts.sending.removeValue(forKey: id), let count = counts.destinations[destination] else { return false }
        counts.destinations[destination] = count > 1 ? count - 1 : nil
        return count - 1 == bound - step(bound)
    }

    /// Whether `destination` has as many sends in flight as it may (counting `message` itself).
    func isOverBound(_ message: Message) -> Bool {
        guard let destination = message.destination else { return false }
        return counts.withLock { $0.destinations[destination, default: 0] } > perDestination
    }

    /// What a claim is to be told, with the tenants' turn at `rotation`.
    func fairness(rotation: Int) -> ClaimFairness {
        counts.withLock { counts in
            ClaimFairness(
                tenantShare: tenantShare, tenantsInFlight: counts.tenants, perDestination: perDestination,
                destinationsInFlight: counts.destinations, rotation: rotation
            )
        }
    }

    /// How far under its bound a tenant or destination must come before a claim is made for it.
    private static func step(_ bound: Int) -> Int {
        max(1, bound / 4)
    }
}
