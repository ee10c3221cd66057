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

    /// The start of the period holding `date`.
    public func periodStart(containing date: Date) -> Date {
        let calendar = Self.utcCalendar
        switch period {
        case .day:
            return calendar.startOfDay(for: date)
        case .month:
            let parts = calendar.dateComponents([.year, .month], from: date)
            return calendar.date(from: parts) ?? calendar.startOfDay(for: date)
        }
    }

    /// The start of the period after the one holding `date`: when the count resets.
    public func nextPeriodStart(after date: Date) -> Date {
        let start = periodStart(containing: date)
        let component: Calendar.Component = period == .day ? .day : .month
        return Self.utcCalendar.date(byAdding: component, value: 1, to: start) ?? start.addingTimeInterval(86_400)
    }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return calendar
    }()
}
