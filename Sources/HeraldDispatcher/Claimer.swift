import Foundation
import HeraldCore
import HeraldMetrics
import HeraldStore

/// Takes due messages under this process's lease, leaving out the new messages of throttle
/// keys whose bucket is empty (they stay queued, untouched, until it opens), and notes the
/// leases taken.
struct Claimer: Sendable {
    let store: any MessageStore
    let limiter: RateLimiterRegistry
    let owner: String
    let leaseDuration: Duration
    let held: HeldLeases
    let metrics: HeraldMetrics

    /// - Parameters:
    ///   - excludedTenants: the paused tenants, left out.
    ///   - onlyTenant: when set, the one tenant whose messages are taken.
    ///   - fairness: how the claim is shared between tenants, and the bounds it keeps.
    func claim(limit: Int, now: Date, excludedTenants: Set<TenantID>, onlyTenant: TenantID?, fairness: ClaimFairness) async throws -> [Message] {
        guard limit > 0 else { return [] }
        let claimed = try await store.claim(ClaimParams(
            owner: owner, limit: limit, now: now, leaseDuration: leaseDuration, excludedKeys: limiter.excludedKeys(now: now),
            excludedTenants: excludedTenants.sorted { $0.rawValue < $1.rawValue }, onlyTenant: onlyTenant, fairness: fairness
        ))
        held.hold(claimed)
        if !claimed.isEmpty { metrics.claimed(claimed.count) }
        return claimed
    }
}
