import Foundation
import HeraldCore
import HeraldDispatcher
import HeraldStore
import Testing

struct RetryDecisionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func resolve(_ outcome: DeliveryOutcome, attempt: Int) throws -> Completion.Resolution {
        var random = SystemRandomNumberGenerator()
        let policy = try RetryPolicy.explicit([.seconds(5), .seconds(60)], jitter: 0, maxRetryAfter: .seconds(300))
        return RetryDecision.resolve(outcome, attempt: attempt, policy: policy, now: now, using: &random)
    }

    @Test func table() throws {
        #expect(try Self.resolve(.sent(providerMessageID: "x"), attempt: 1) == .sent(providerMessageID: "x"))
        #expect(try Self.resolve(.failed(reason: "HTTP 404"), attempt: 1) == .failed(error: "HTTP 404"))
        #expect(try Self.resolve(.retry(reason: "HTTP 503", after: nil), attempt: 1) == .retry(at: Self.now.addingTimeInterval(5), error: "HTTP 503"))
        #expect(try Self.resolve(.retry(reason: "HTTP 503", after: nil), attempt: 2) == .retry(at: Self.now.addingTimeInterval(60), error: "HTTP 503"))
        #expect(try Self.resolve(.retry(reason: "HTTP 429", after: .seconds(30)), attempt: 1) == .retry(at: Self.now.addingTimeInterval(30), error: "HTTP 429"))
        #expect(try Self.resolve(.retry(reason: "HTTP 429", after: .seconds(9999)), attempt: 1) == .retry(at: Self.now.addingTimeInterval(300), error: "HTTP 429"))
        #expect(try Self.resolve(.retry(reason: "timed out", after: nil), attempt: 3) == .failed(error: "gave up after 3 attempts: timed out"))
    }

    /// A provider's rate limit waits 5 s, doubling to 60 s, whatever the attempt number (the
    /// retry budget is not used), until the next wait would pass the most a message may wait.
    @Test func throttlingWaitsOutsideTheBudgetUpToTheMostAMessageMayWait() throws {
        var random = SystemRandomNumberGenerator()
        var policy = try RetryPolicy.explicit([], jitter: 0, maxRetryAfter: .seconds(300))
        policy.maxThrottledWait = .seconds(200)
        let throttled = DeliveryOutcome.throttled(reason: "WhatsApp error 130429", after: nil)
        var waits: [TimeInterval] = []
        for before in 0..<8 {
            switch RetryDecision.resolve(throttled, attempt: 1, throttles: before, policy: policy, now: Self.now, using: &random) {
            case .throttled(let at, let error):
                #expect(error == "WhatsApp error 130429")
                waits.append(at.timeIntervalSince(Self.now))
            case .failed(let error):
                #expect(error == "throttled for longer than 200s in all: WhatsApp error 130429")
                waits.append(-1)
            default:
                Issue.record("unexpected resolution")
            }
        }
        // 5 + 10 + 20 + 40 + 60 + 60 = 195 s; one more 60 s would pass 200 s.
        #expect(waits == [5, 10, 20, 40, 60, 60, -1, -1])
        let honoured = RetryDecision.resolve(
            .throttled(reason: "HTTP 429", after: .seconds(7)), attempt: 1, throttles: 0, policy: policy, now: Self.now, using: &random
        )
        #expect(honoured == .throttled(at: Self.now.addingTimeInterval(7), error: "HTTP 429"))
    }
}
