import Foundation
import HeraldCore
import Testing

struct QuotaPeriodTests {
    @Test(arguments: [
        ("2026-11-23T09:30:00Z", Quota.Period.day, "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z"),
        ("2026-11-23T09:30:00Z", .month, "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
        ("2026-12-31T23:59:59Z", .month, "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("2028-02-29T12:00:00Z", .day, "2028-02-29T00:00:00Z", "2028-03-01T00:00:00Z"),
        ("1969-12-31T23:00:00Z", .month, "1969-12-01T00:00:00Z", "1970-01-01T00:00:00Z"),
    ])
    func periodBoundaries(now: String, period: Quota.Period, start: String, next: String) throws {
        let quota = Quota(limit: 1, period: period)
        let date = try #require(Timestamp.parse(now))
        #expect(quota.periodStart(containing: date) == Timestamp.parse(start))
        #expect(quota.nextPeriodStart(after: date) == Timestamp.parse(next))
    }
}
