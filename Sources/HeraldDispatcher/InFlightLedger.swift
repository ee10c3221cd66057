import HeraldCore
import HeraldStore
import Synchronization

/// This process's messages in flight, counted by tenant (from claim to recorded outcome: the
/// slot they hold) and by destination (from claim to the receiver's answer: the send itself,
/// not the wait for its record): what claims are told (``ClaimFairness``) so no tenant takes
/// more than its share of the slots while others have due work, and no destination more than
/// its ``DispatcherConfiguration/destinationSlots`` (twice `dispatcher.connections_per_host`)
/// claimed at once — or, for a destination answering faster than that, what it answers in a
/// quarter of a second (``AnswerPace``).
///
/// A claim that stopped short — a tenant or a destination at its bound — is worth making again
/// once a few of the messages in flight have freed their place: ``answered(_:)`` and
/// ``remove(_:)`` say when (a quarter of the smaller bound freed since that claim), whatever
/// counts the bounds stood at, so no such claim waits for the poll interval.
final class InFlightLedger: Sendable {
    private struct Counts {
        var tenants: [TenantID: Int] = [:]
        var destinations: [String: Int] = [:]
        /// The messages still counted against their destination.
        var sending: [MessageID: String] = [:]
        /// Whether the last claim stopped short, so freed places should wake the next one.
        var claimWaits = false
        /// Places freed so far, and when the last claim read the counts: what is freed while a
        /// claim runs counts towards waking the next one.
        var freed = 0
        var freedAtClaim = 0
        var pace = AnswerPace()
        /// The raised bounds the last claim was told.
        var raised: [String: Int] = [:]
    }

    /// The most slots one tenant holds while another has due work.
    let tenantShare: Int
    /// The most sends to one destination at once.
    let perDestination: Int
    /// How many freed places make a claim held short worth making again.
    private let wakeStep: Int
    private let counts = Mutex(Counts())

    init(tenantShare: Int, perDestination: Int) {
        self.tenantShare = max(1, tenantShare)
        self.perDestination = max(1, perDestination)
        self.wakeStep = max(1, min(self.tenantShare, self.perDestination) / 4)
    }

    /// Counts claimed messages in.
    /// - Parameter short: whether the claim took fewer than it asked for.
    /// - Returns: whether enough was freed while the claim ran for the next one to be worth
    ///   making at once.
    func add(_ messages: [Message], short: Bool) -> Bool {
        counts.withLock { counts in
            let wakeNow = short && counts.freed - counts.freedAtClaim >= wakeStep
            counts.claimWaits = short && !wakeNow
            for message in messages {
                counts.tenants[message.tenantID, default: 0] += 1
                if let destination = message.destination {
                    counts.destinations[destination, default: 0] += 1
                    counts.sending[message.id] = destination
                }
            }
            return wakeNow
        }
    }

    /// Counts a message's send out of its destination (the receiver answered).
    /// - Returns: whether a claim that stopped short is worth making again now.
    @discardableResult
    func answered(_ message: Message) -> Bool {
        let now = ContinuousClock.now
        return counts.withLock { counts in
            guard let destination = Self.releaseDestination(of: message.id, in: &counts) else { return false }
            counts.pace.answered(destination, at: now)
            return freed(in: &counts)
        }
    }

    /// Counts a message out (its outcome is recorded, or it was put back).
    /// - Returns: whether a claim that stopped short is worth making again now.
    @discardableResult
    func remove(_ message: Message) -> Bool {
        counts.withLock { counts in
            // A message whose send answered has freed its place already.
            let answeredBefore = message.destination != nil && counts.sending[message.id] == nil
            Self.releaseDestination(of: message.id, in: &counts)
            if let count = counts.tenants[message.tenantID] {
                counts.tenants[message.tenantID] = count > 1 ? count - 1 : nil
            }
            return answeredBefore ? false : freed(in: &counts)
        }
    }

    private func freed(in counts: inout Counts) -> Bool {
        counts.freed += 1
        guard counts.claimWaits, counts.freed - counts.freedAtClaim >= wakeStep else { return false }
        counts.claimWaits = false
        return true
    }

    /// - Returns: the destination the message was still counted against, if any.
    @discardableResult
    private static func releaseDestination(of id: MessageID, in counts: inout Counts) -> String? {
        guard let destination = counts.sending.removeValue(forKey: id) else { return nil }
        if let count = counts.destinations[destination] {
            counts.destinations[destination] = count > 1 ? count - 1 : nil
        }
        return destination
    }

    /// Messages claimed and not yet finished (sent, recorded, or put back).
    var count: Int {
        counts.withLock { $0.tenants.values.reduce(0, +) }
    }

    /// Whether `message`'s destination has more in flight than it may (counting `message`
    /// itself), by the bounds the last claim was told.
    func isOverBound(_ message: Message) -> Bool {
        guard let destination = message.destination else { return false }
        return counts.withLock { counts in
            counts.destinations[destination, default: 0] > max(perDestination, counts.raised[destination] ?? 0)
        }
    }

    /// What a claim is to be told, with the tenants' turn at `rotation`.
    func fairness(rotation: Int) -> ClaimFairness {
        let now = ContinuousClock.now
        return counts.withLock { counts in
            counts.freedAtClaim = counts.freed
            counts.raised = counts.pace.raisedBounds(over: perDestination, at: now)
            return ClaimFairness(
                tenantShare: tenantShare, tenantsInFlight: counts.tenants, perDestination: perDestination,
                destinationsInFlight: counts.destinations, destinationBounds: counts.raised, rotation: rotation
            )
        }
    }
}
