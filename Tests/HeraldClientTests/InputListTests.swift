import HeraldClient
import HeraldCore
import Testing

/// Reading bailout targets and messages from files: CSV with and without a header, JSON lines,
/// bad lines reported by number while the rest are read.
struct InputListTests {
    @Test func csvWithAndWithoutAHeaderAndABadLine() {
        let withHeader = BailoutTargetList(parsing: "user,page\r\nu-1,checkout\n\nu-2 , cart \nonly-one-field\nu-3,home\n")
        #expect(withHeader.targets == [
            BailoutTarget(user: "u-1", page: "checkout"), BailoutTarget(user: "u-2", page: "cart"), BailoutTarget(user: "u-3", page: "home"),
        ])
        #expect(withHeader.problems.map(\.line) == [5])
        #expect(withHeader.problems.first?.description == "line 5: expected user,page (got 1 field)")
        let bare = BailoutTargetList(parsing: "u-1,checkout\nu-2,cart")
        #expect(bare.targets.count == 2 && bare.problems.isEmpty)
        #expect(BailoutTargetList(parsing: "").targets.isEmpty)
        #expect(BailoutTargetList(parsing: "u-1,,\n").problems.count == 1)
    }

    @Test func jsonLinesOfTargets() {
        let list = BailoutTargetList(parsing: #"""
            {"user": "u-1", "page": "checkout"}
            {"user": "u-2"}
            [1, 2]
            {"user": "u-3", "page": "home", "extra": true}
            """#)
        #expect(list.targets.map(\.user) == ["u-1", "u-3"])
        #expect(list.problems.map(\.line) == [2, 3])
    }

    @Test func messagesFromJSONLinesKeepTheirLineNumbers() {
        let list = OutgoingMessageList(parsing: """
            {"channel": "whatsapp", "to": "+31612345678", "content": "hi", "metadata": {"order": "A-1"}, "send_at": "2026-12-02T10:00:00Z"}
            not json

            {"content": "x", "priority": "high"}
            {"url": "https://example.test/hook", "content": "y", "idempotency_key": "k-1"}
            """)
        #expect(list.messages.count == 2)
        #expect(list.lines == [1, 5])
        #expect(list.messages[0].metadata == ["order": .string("A-1")])
        #expect(list.messages[0].sendAt != nil)
        #expect(list.messages[1].idempotencyKey == "k-1")
        #expect(list.problems.map(\.line) == [2, 4])
    }
}
