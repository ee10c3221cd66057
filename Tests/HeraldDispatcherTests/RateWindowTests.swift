import Foundation
@testable import HeraldDispatcher
import Testing

struct RateWindowTests {
    @Test func countsTheLastSixtySecondsOnly() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var window = RateWindow()
        window.record(at: start)
        window.record(2, at: start.addingTimeInterval(30))
        #expect(window.total(at: start.addingTimeInterval(30)) == 3)
        #expect(window.total(at: start.addingTimeInterval(59)) == 3)
        #expect(window.total(at: start.addingTimeInterval(60)) == 2)
        #expect(window.total(at: start.addingTimeInterval(90)) == 0)
        // A bucket reused a minute later starts from zero.
        window.record(at: start.addingTimeInterval(120))
        #expect(window.total(at: start.addingTimeInterval(120)) == 1)
    }
}
