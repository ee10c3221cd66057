import HeraldCore
import Testing

/// Text from receivers and providers is stored only as valid UTF-8 without NUL or other control
/// characters (PostgreSQL refuses NUL; SQLite's readers stop at it), within its limit.
struct StorableTextTests {
    @Test func nulAndOtherControlCharactersAreReplacedButTabAndNewlineKept() {
        let cleaned = StorableText.clean(bytes: Array("a\u{0}b\u{1B}[1mc\td\ne\u{7F}f\u{85}g".utf8))
        #expect(cleaned == "a\u{FFFD}b\u{FFFD}[1mc\td\ne\u{FFFD}f\u{FFFD}g")
        #expect(!cleaned.unicodeScalars.contains { $0.value == 0 })
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        let cleaned = StorableText.clean(bytes: [0x6F, 0x6B, 0xFF, 0xC3, 0x28, 0x21])
        #expect(cleaned == "ok\u{FFFD}\u{FFFD}(!")
    }

    @Test func theLimitCutsAtACharacterBoundary() {
        let cleaned = StorableText.clean("ééé", limit: 5)
        #expect(cleaned == "éé")
        #expect(cleaned.utf8.count <= 5)
        #expect(StorableText.clean("plain", limit: 3) == "pla")
    }

    @Test func cleanTextIsLeftAloneAndKnownToBeClean() {
        #expect(StorableText.clean("Grüße, 世界 — ok\n") == "Grüße, 世界 — ok\n")
        #expect(StorableText.isClean("Grüße\t世界"))
        #expect(!StorableText.isClean("nul\u{0}"))
        #expect(!StorableText.isClean("c1\u{9B}"))
    }
}
