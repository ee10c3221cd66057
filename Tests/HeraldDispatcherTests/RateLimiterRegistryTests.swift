import Foundation
import HeraldCore
import HeraldDispatcher
import Testing

struct RateLimiterRegistryTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aBucketGivesItsBurstThenReservesSlotsAtItsRate() {
        let registry = RateLimiterRegistry()
        let limit = RateLimit(key: "profile:a", rate: 2, burst: 2)
        #expect(registry.acquire([limit], now: now) == nil)
        #expect(registry.acquire([limit], now: now) == nil)
        #expect(registry.acquire([limit], now: now) == now.addingTimeInterval(0.5))
        #expect(registry.acquire([limit], now: now) == now.addingTimeInterval(1))
        #expect(registry.excludedKeys(now: now) == ["profile:a"])
        // Four sends reserved: the fifth could go at 1.5 s.
        #expect(registry.nextOpening(now: now) == now.addingTimeInterval(1.5))
        #expect(registry.excludedKeys(now: now.addingTimeInterval(1)) == ["profile:a"])
        #expect(registry.excludedKeys(now: now.addingTimeInterval(1.5)).isEmpty)
    }

    @Test func aSendCostingSeveralTokensTakesThemAll() {
        let registry = RateLimiterRegistry()
        let threeSegments = RateLimit(key: "profile:sms", rate: 1, burst: 1, cost: 3)
        #expect(registry.acquire([threeSegments], now: now) == nil)
        #expect(registry.acquire([RateLimit(key: "profile:sms", rate: 1, burst: 1)], now: now) == now.addingTimeInterval(3))
    }

    @Test func aSendWaitsForItsSlowestBucket() {
        let registry = RateLimiterRegistry()
        let own = RateLimit(key: "profile:a", rate: 100, burst: 1)
        let shared = RateLimit(key: "twilio-account:AC1", rate: 1, burst: 1)
        #expect(registry.acquire([own, shared], now: now) == nil)
        #expect(registry.acquire([RateLimit(key: "profile:b", rate: 100, burst: 1), shared], now: now) == now.addingTimeInterval(1))
    }

    @Test func theProvidersThrottleHalvesTheRateWhichClimbsBackByATenthEveryTenSeconds() {
        let registry = RateLimiterRegistry()
        let limit = RateLimit(key: "profile:a", rate: 10, burst: 10)
        #expect(registry.acquire([limit], now: now) == nil)
        registry.throttled("profile:a", now: now, after: .seconds(2))
        #expect(registry.currentRate("profile:a") == 5)
        // Nothing goes before the provider's wait is over.
        #expect(registry.acquire([limit], now: now.addingTimeInterval(1)) == now.addingTimeInterval(2))
        _ = registry.acquire([limit], now: now.addingTimeInterval(10))
        #expect(registry.currentRate("profile:a") == 6)
        _ = registry.acquire([limit], now: now.addingTimeInterval(50))
        #expect(registry.currentRate("profile:a") == 10)
    }

    @Test func aSharedBucketHasNoLimitUntilThrottledThenLearnsOne() {
        let registry = RateLimiterRegistry()
        let app = RateLimit.shared("whatsapp-app:1")
        for _ in 0..<100 { #expect(registry.acquire([app], now: now) == nil) }
        registry.throttled("whatsapp-app:1", now: now, after: .zero)
        // It saw 100 sends in its window (10 a second): now 5 a second.
        #expect(registry.currentRate("whatsapp-app:1") == 5)
    }

    @Test func limitsAreSplitBetweenProcesses() {
        let registry = RateLimiterRegistry(processCount: { 4 })
        let limit = RateLimit(key: "profile:a", rate: 80, burst: 80)
        for _ in 0..<20 { #expect(registry.acquire([limit], now: now) == nil) }
        #expect(registry.acquire([limit], now: now) != nil, "a quarter of the burst")
        #expect(registry.currentRate("profile:a") == 20)
    }

    @Test func aProfilesKeyIsLeftOutWhileASharedBucketItUsesIsClosed() {
        let registry = RateLimiterRegistry()
        let own = RateLimit(key: "profile:a", rate: 100, burst: 100)
        let account = RateLimit.shared("twilio-account:AC1")
        #expect(registry.acquire([own, account], now: now) == nil)
        registry.throttled("twilio-account:AC1", now: now, after: .seconds(5))
        #expect(registry.excludedKeys(now: now) == ["profile:a"])
        #expect(registry.excludedKeys(now: now.addingTimeInterval(6)).isEmpty)
    }
}
