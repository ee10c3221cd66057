import Foundation
import HeraldCore
import Testing

struct TimestampTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (1_800_000_000.123, "2027-01-15T08:00:00.123Z"),
        (951_782_400.0, "2000-02-29T00:00:00.000Z"),
        (-1.5, "1969-12-31T23:59:58.500Z"),
        (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
    ])
    func formats(seconds: Double, text: String) {
        #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test func formatAgreesWithFoundationOverManyDates() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let millis = Int64.random(in: 0...4_102_444_799_999, using: &random)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            #expect(Timestamp.parse(Timestamp.format(date)).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == millis)
        }
    }

    @Test func parsesWithAndWithoutFractions() {
        #expect(Timestamp.parse("2026-11-23T09:30:00Z") == Date(timeIntervalSince1970: 1_795_426_200))
        #expect(Timestamp.parse("2026-11-23T09:30:00.250Z") == Date(timeIntervalSince1970: 1_795_426_200.25))
        #expect(Timestamp.parse("next tuesday") == nil)
    }
}
