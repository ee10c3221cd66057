import Foundation
import HeraldCore
import Testing

struct HTTPOutcomeClassifierTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    enum Expected: Sendable { case sent, retry, failed }

    @Test(arguments: [
        (200, Expected.sent), (201, .sent), (202, .sent), (204, .sent),
        (408, .retry), (425, .retry), (429, .retry), (500, .retry), (502, .retry), (503, .retry), (504, .retry), (599, .retry),
        (301, .failed), (400, .failed), (401, .failed), (403, .failed), (404, .failed), (410, .failed), (413, .failed), (422, .failed),
    ])
    func statusClassification(status: Int, expected: Expected) {
        let outcome = HTTPOutcomeClassifier.classify(status: status, now: Self.now)
        switch (outcome, expected) {
        case (.sent, .sent), (.retry, .retry): break
        case (.failed(let reason), .failed): #expect(reason == "HTTP \(status)")
        default: Issue.record("HTTP \(status) gave \(outcome), expected \(expected)")
        }
    }

    @Test func retryAfterSecondsAndDatesAreHonoured() {
        #expect(HTTPOutcomeClassifier.classify(status: 429, retryAfter: "120", now: Self.now) == .retry(reason: "HTTP 429", after: .seconds(120), throttled: true))
        #expect(HTTPOutcomeClassifier.classify(status: 503, now: Self.now) == .retry(reason: "HTTP 503", after: nil, throttled: false))
        let date = "Fri, 15 Jan 2027 08:00:30 GMT"
        let expected = Timestamp.parse("2027-01-15T08:00:30Z")!.timeIntervalSince(Self.now)
        guard case .retry(_, let after?, _) = HTTPOutcomeClassifier.classify(status: 503, retryAfter: date, now: Self.now) else {
            Issue.record("no delay from an HTTP date")
            return
        }
        #expect(abs(after.seconds - expected) < 1)
    }

    @Test(arguments: [("0", 0.0), (" 7 ", 7.0), ("Sun, 06 Nov 1994 08:49:37 GMT", 0.0), ("Sunday, 06-Nov-94 08:49:37 GMT", 0.0), ("Sun Nov  6 08:49:37 1994", 0.0)])
    func retryAfterParsing(text: String, seconds: Double) {
        #expect(RetryAfter.parse(text, now: Self.now)?.seconds == seconds)
    }

    @Test(arguments: ["", "soon", "-5", "1.5"])
    func malformedRetryAfterIsIgnored(text: String) {
        #expect(RetryAfter.parse(text, now: Self.now) == nil)
    }
}
