import HeraldCore
import Synchronization

/// The leases this process holds now: added when a claim takes messages, removed once their
/// result is recorded (applied or refused). What is left at shutdown — sends abandoned past
/// the grace, results that could not be written — is released under exactly these leases, so a
/// message another claim took meanwhile is left to it.
final class HeldLeases: Sendable {
    private let leases = Mutex<[MessageID: LeaseToken]>([:])

    func hold(_ messages: [Message]) {
        leases.withLock { leases in
            for message in messages {
                if let lease = message.lease { leases[message.id] = lease.token }
            }
        }
    }

    /// Forgets the lease of a message whose result was recorded, unless a later claim of this
    /// process holds it by now.
    func forget(_ id: MessageID, _ token: LeaseToken) {
        leases.withLock { leases in
            if leases[id] == token { leases[id] = nil }
        }
    }

    /// Every lease still held.
    var all: [MessageID: LeaseToken] {
        leases.withLock { $0 }
    }
}
