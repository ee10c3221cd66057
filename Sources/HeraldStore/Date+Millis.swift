package import Foundation

/// Drivers store times as whole milliseconds since 1970: integers sort and index fast.
extension Date {
    /// Milliseconds since 1970, as stored.
    package var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    package init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }

    package init?(millis: Int64?) {
        guard let millis else { return nil }
        self.init(millis: millis)
    }
}
