@testable import HeraldBench
import Testing

/// The load generator reads a batch answer's `accepted` count from its first member, and
/// falls back to a full parse for any other shape rather than miscounting.
struct LoadDriverTests {
    @Test(arguments: [
        (#"{"accepted":1000,"existing":0,"rejected":0,"results":[]}"#, 1000),
        (#"{"accepted":0,"existing":3,"rejected":0,"results":[]}"#, 0),
        (#"{"accepted":7,"#, 7),
    ] as [(String, Int)])
    func theLeadingCountIsRead(body: String, accepted: Int) {
        #expect(LoadDriver.leadingAcceptedCount(Array(body.utf8)) == accepted)
    }

    @Test(arguments: [
        #"{"existing":0,"accepted":5}"#, #"{ "accepted": 5, "x": 1}"#, #"{"accepted":}"#, #"{"accepted":12"#,
        #"{"accepted":-1,"#, #"{"accepted":"5","#, "", "[]",
    ])
    func anotherShapeIsLeftToTheParser(body: String) {
        #expect(LoadDriver.leadingAcceptedCount(Array(body.utf8)) == nil)
    }
}
