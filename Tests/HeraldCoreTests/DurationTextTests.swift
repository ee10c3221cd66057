import HeraldCore
import Testing

struct DurationTextTests {
    @Test(arguments: [
        ("500us", Duration.microseconds(500)), ("250ms", .milliseconds(250)), ("5s", .seconds(5)), ("10m", .seconds(600)),
        ("2h", .seconds(7200)), ("1d", .seconds(86400)), ("30", .seconds(30)), ("1.5s", .milliseconds(1500)), (" 3S ", .seconds(3)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["", "s", "-1s", "5x", "abc", "1e20s"])
    func rejects(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func parsesLists() {
        #expect(DurationText.parseList("1s,5s,30s") == [.seconds(1), .seconds(5), .seconds(30)])
        #expect(DurationText.parseList("1s,,5s") == nil)
        #expect(DurationText.parseList("1s,x") == nil)
    }

    @Test(arguments: [(Duration.microseconds(500), "500us"), (.milliseconds(1500), "1500ms"), (.seconds(5), "5s"), (.seconds(120), "2m"), (.seconds(7200), "2h"), (.zero, "0s")])
    func formats(duration: Duration, text: String) {
        #expect(DurationText.format(duration) == text)
    }
}
