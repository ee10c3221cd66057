import Foundation
import HeraldCore
import HeraldStore
import Logging

/// Decides, for each claimed message, what happens before anything is sent: it is poison (its
/// lease expired ``maxClaims`` times with nothing recorded), it expired, its channel or profile
/// is gone, it is a dry run, it must wait for a rate limit (put back, holding its turn, not an
/// attempt), or it goes now.
struct Admission: Sendable {
    /// What to do with one claimed message.
    enum Decision: Sendable {
        /// Send it through `channel`.
        case send(DeliveryRequest, any DeliveryChannel)
        /// A dry run: rehearse it through `channel`.
        case rehearse(DeliveryRequest, any DeliveryChannel)
        /// Record this outcome without sending (`requestSent` false).
        case finish(Message, Completion.Resolution, DeliveryReport)
        /// Put it back until the moment reserved for it.
        case wait(Message, until: Date)
    }

    let channels: ChannelRegistry
    let profiles: ProfileCache?
    let limiter: RateLimiterRegistry
    let pacing: (any PacingStore)?
    /// ``DispatcherConfiguration/maxClaims``.
    let maxClaims: Int
    let logger: Logger

    /// The reason a message ends with when it was claimed ``maxClaims`` times and never finished.
    static let poison = "poison"

    /// Decides for every message, in order. Recipient spacing is reserved for the whole batch
    /// in one store call.
    func admit(_ messages: [Message], now: Date) async -> [Decision] {
        var decisions: [Decision?] = Array(repeating: nil, count: messages.count)
        var paced: [(index: Int, request: DeliveryRequest, channel: any DeliveryChannel, pacing: RecipientPacing)] = []
        for (index, message) in messages.enumerated() {
            let prepared = await prepare(message, now: now)
            guard case .send(let request, let channel) = prepared else {
                decisions[index] = prepared
                continue
            }
            let plan = channel.rateLimits(for: request)
            // Most sends (webhooks without a host rate) have no limit: no registry lock for them.
            guard !plan.buckets.isEmpty || plan.pacing != nil else {
                decisions[index] = prepared
                continue
            }
            let hold = limiter.redeem(message.id)
            if hold == nil, let slot = limiter.acquire(plan.buckets, now: now) {
                limiter.hold(message.id, until: slot, pacingReserved: false)
                decisions[index] = .wait(message, until: slot)
            } else if let pacing = plan.pacing, !(hold?.pacingReserved ?? false), self.pacing != nil {
                paced.append((index, request, channel, pacing))
            } else {
                decisions[index] = prepared
            }
        }
        if !paced.isEmpty, let store = pacing {
            do {
                let slots = try await store.reservePacing(paced.map(\.pacing), now: now)
                for (entry, slot) in zip(paced, slots) {
                    if slot > now {
                        limiter.hold(entry.request.message.id, until: slot, pacingReserved: true)
                        decisions[entry.index] = .wait(entry.request.message, until: slot)
                    } else {
                        decisions[entry.index] = .send(entry.request, entry.channel)
                    }
                }
            } catch {
                // The provider enforces its own pair limit (a throttled answer); better late spacing than none sent.
                logger.warning("could not reserve recipient spacing; sending without it", metadata: ["error": "\(error)"])
                for entry in paced { decisions[entry.index] = .send(entry.request, entry.channel) }
            }
        }
        return decisions.compactMap { $0 }
    }

    /// Everything but the rate limits: poison, expiry, channel, profile, dry run.
    private func prepare(_ message: Message, now: Date) async -> Decision {
        if message.leaseExpiries >= maxClaims {
            logger.warning("poison message: its lease expired each time it was claimed, with nothing recorded; it ends failed", metadata: [
                "message": "\(message.id)", "tenant": "\(message.tenantID)", "claims": "\(message.leaseExpiries)",
            ])
            return .finish(message, .failed(error: Self.poison), DeliveryReport(outcome: .failed(reason: Self.poison)))
        }
        if let expiresAt = message.expiresAt, expiresAt <= now {
            return .finish(message, .failed(error: "expired"), DeliveryReport(outcome: .failed(reason: "expired")))
        }
        guard let channel = channels.delivering(message.channel) else {
            let reason = "unknown channel \(message.channel)"
            return .finish(message, .failed(error: reason), DeliveryReport(outcome: .failed(reason: reason)))
        }
        var profile: SenderProfile?
        if let id = message.profileID {
            do {
                profile = try await profiles?.profile(id: id)
            } catch {
                let reason = "could not read sender profile \(id)"
                logger.error("could not read a sender profile", metadata: ["profile": "\(id)", "error": "\(error)"])
                let outcome = DeliveryOutcome.retry(reason: reason, after: nil)
                let resolution = RetryDecision.resolve(outcome, attempt: message.attempts + 1, policy: channel.retryPolicy, now: now)
                return .finish(message, resolution, DeliveryReport(outcome: outcome))
            }
        }
        let request = DeliveryRequest(message: message, profile: profile, attempt: message.attempts + 1)
        return message.dryRun ? .rehearse(request, channel) : .send(request, channel)
    }
}
