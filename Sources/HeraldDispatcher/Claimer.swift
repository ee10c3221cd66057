import Foundation
import HeraldCore
import HeraldStore

/// Takes due messages under this process's lease, leaving out the new messages of throttle
/// keys whose bucket is empty (they stay queued, untouched, until it opens).
struct Claimer: Sendable {
    let store: any MessageStore
    let limiter: RateLimiterRegistry
    let owner: String
    let leaseDuration: Duration

    func claim(limit: Int, now: Date) async throws -> [Message] {
        guard limit > 0 else { return [] }
        return try await store.claim(ClaimParams(
            owner: owner, limit: limit, now: now, leaseDuration: leaseDuration, excludedKeys: limiter.excludedKeys(now: now)
        ))
    }
}
