import Foundation
import HeraldCore
import Testing

struct PrefixedIDTests {
    @Test func formatIsPrefixPlusTwentySixCrockfordCharacters() {
        let id = MessageID.generate()
        #expect(id.rawValue.hasPrefix("msg_"))
        #expect(id.rawValue.count == 30)
        #expect(MessageID(parsing: id.rawValue) == id)
    }

    @Test func idsSortByCreationTime() {
        let early = MessageID.generate(at: Date(timeIntervalSince1970: 1_700_000_000))
        let late = MessageID.generate(at: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(early < late)
    }

    @Test func idsWithinOneMillisecondStrictlyIncrease() {
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        let ids = (0..<1000).map { _ in MessageID.generate(at: now) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test(arguments: ["", "msg_", "att_01M83RP5KF8SXN585PSSR22MT4", "msg_01M83RP5KF8SXN585PSSR22MT", "msg_01M83RP5KF8SXN585PSSR22MTU", "msg_01M83RP5KF8SXN585PSSR22MT4x"])
    func parsingRejectsMalformedIDs(_ text: String) {
        #expect(MessageID(parsing: text) == nil)
    }
}
