import Foundation
import HeraldCore
import Testing

/// A seeded generator (SplitMix64), so jitter is repeatable.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct RetryPolicyTests {
    @Test func explicitScheduleSetsDelaysAndAttempts() throws {
        let policy = try RetryPolicy.explicit([.seconds(1), .seconds(5), .seconds(30)], jitter: 0)
        #expect(policy.maxAttempts == 4)
        #expect(policy.delay(afterAttempt: 1) == .seconds(1))
        #expect(policy.delay(afterAttempt: 2) == .seconds(5))
        #expect(policy.delay(afterAttempt: 3) == .seconds(30))
        #expect(policy.delay(afterAttempt: 4) == nil)
    }

    @Test(arguments: [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 16.0), (6, 30.0), (9, 30.0)])
    func exponentialDoublesUpToTheCap(attempt: Int, seconds: Double) throws {
        let policy = try RetryPolicy.exponential(initial: .seconds(1), multiplier: 2, maximum: .seconds(30), maxAttempts: 20, jitter: 0)
        #expect(policy.delay(afterAttempt: attempt) == .seconds(seconds))
    }

    @Test func jitterStaysWithinItsBand() throws {
        let policy = try RetryPolicy.explicit([.seconds(100)], jitter: 0.2)
        var random = SeededRandom(state: 42)
        var delays: [Duration] = []
        for _ in 0..<500 {
            delays.append(try #require(policy.delay(afterAttempt: 1, using: &random)))
        }
        #expect(delays.allSatisfy { $0 >= .seconds(80) && $0 <= .seconds(120) })
        // Spread over the band, not stuck at the base.
        #expect(try #require(delays.min()) < .seconds(85))
        #expect(try #require(delays.max()) > .seconds(115))
    }

    @Test func retryAfterWinsButIsCapped() throws {
        let policy = try RetryPolicy.explicit([.seconds(1), .seconds(1)], jitter: 0.2, maxRetryAfter: .seconds(60))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(42)) == .seconds(42))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3600)) == .seconds(60))
        // Retry-After does not extend the attempt budget.
        #expect(policy.delay(afterAttempt: 3, retryAfter: .seconds(5)) == nil)
    }

    @Test func throttledAttemptsWaitAtLeastTheMinimumUnlessRetryAfterSaysOtherwise() throws {
        let policy = try RetryPolicy.explicit([.seconds(5), .seconds(300)], jitter: 0, minimumThrottledDelay: .seconds(60))
        #expect(policy.delay(afterAttempt: 1, throttled: true) == .seconds(60))
        #expect(policy.delay(afterAttempt: 1, throttled: false) == .seconds(5))
        #expect(policy.delay(afterAttempt: 2, throttled: true) == .seconds(300))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(2), throttled: true) == .seconds(2))
        #expect(RetryPolicy.webhookDefault.minimumThrottledDelay == .seconds(60))
    }

    @Test func webhookDefaultIsTheStandardSchedule() {
        let policy = RetryPolicy.webhookDefault
        #expect(policy.maxAttempts == 8)
        #expect((1...7).map { policy.baseDelay(afterAttempt: $0) } == [
            .seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18000), .seconds(36000), .seconds(36000),
        ])
    }

    @Test func invalidSettingsAreRefused() {
        #expect(throws: HeraldError.self) { try RetryPolicy.exponential(initial: .seconds(10), maximum: .seconds(1), maxAttempts: 3) }
        #expect(throws: HeraldError.self) { try RetryPolicy.exponential(initial: .seconds(1), multiplier: 0.5, maximum: .seconds(10), maxAttempts: 3) }
        #expect(throws: HeraldError.self) { try RetryPolicy.exponential(initial: .seconds(1), maximum: .seconds(10), maxAttempts: 0) }
        #expect(throws: HeraldError.self) { try RetryPolicy.explicit([.seconds(1)], jitter: 1.5) }
    }
}
