public import Foundation

/// A tenant's message allowance: at most `limit` messages accepted per calendar day or month (UTC).
public struct Quota: Sendable, Hashable, Codable {
    /// The calendar period a quota counts over.
    public enum Period: String, Sendable, Hashable, Codable, CaseIterable {
        case day
        case month
    }

    public var limit: Int
    public var period: Period

    public init(limit: Int, period: Period) {
        self.limit = limit
        self.period = period
    }

    /// The start of the period holding `date` (UTC midnight, or midnight on the 1st).
    public func periodStart(containing date: Date) -> Date {
        let (days, _) = CivilDate.split(millis: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        switch period {
        case .day:
            return Self.date(days: days)
        case .month:
            var civil = CivilDate(daysSince1970: days)
            civil.day = 1
            return Self.date(days: civil.daysSince1970)
        }
    }

    /// The start of the period after the one holding `date`: when the count resets.
    public func nextPeriodStart(after date: Date) -> Date {
        let start = periodStart(containing: date)
        let days = Int64((start.timeIntervalSince1970 / 86_400).rounded())
        switch period {
        case .day:
            return Self.date(days: days + 1)
        case .month:
            var civil = CivilDate(daysSince1970: days)
            civil.month += 1
            if civil.month > 12 {
                civil.month = 1
                civil.year += 1
            }
            return Self.date(days: civil.daysSince1970)
        }
    }

    private static func date(days: Int64) -> Date {
        Date(timeIntervalSince1970: Double(days) * 86_400)
    }
}
