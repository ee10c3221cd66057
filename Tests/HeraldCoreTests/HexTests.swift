import HeraldCore
import Testing

struct HexTests {
    @Test func encodesLowerCaseHex() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.encode([UInt8]()) == "")
    }
}
