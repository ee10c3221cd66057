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
}
