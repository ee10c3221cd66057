import Foundation
import HeraldCore
import Testing

/// The hand-written parser reads untrusted bodies: thousands of seeded random documents and
/// mutations of them, and the corners of the grammar, held against what it must do — give back
/// what was written, never trap, and take nothing Foundation would refuse.
struct JSONParserRobustnessTests {
    /// SplitMix64: the same sequence on every run, so a failure reproduces.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomString(_ random: inout Seeded) -> String {
        let pieces = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1f}", "é", "😀", "\u{7f}", "\u{2028}", "中"]
        return (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    static func randomValue(_ random: inout Seeded, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 4 ? 6 : 8), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .integer(Int64.random(in: .min ... .max, using: &random))
        case 3: return .number(Double.random(in: -1e12...1e12, using: &random))
        case 4: return .number(Double(Int.random(in: -5...5, using: &random)) / 4)
        case 5: return .string(randomString(&random))
        case 6: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) { object[randomString(&random)] = randomValue(&random, depth: depth + 1) }
            return .object(object)
        }
    }

    @Test func whatIsWrittenIsReadBackTheSame() throws {
        var random = Seeded(state: 11)
        for _ in 0..<2_000 {
            let value = Self.randomValue(&random)
            let bytes = JSONWriter.bytes(value)
            #expect(try JSONParser.parse(bytes) == value, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    /// Random damage to valid documents: each result is refused with a place, or read as a
    /// value that writes and reads back the same and that Foundation reads too.
    @Test func damagedDocumentsNeverTrapAndAgreeWithFoundation() {
        var random = Seeded(state: 42)
        let alphabet = Array("{}[]\",:0123456789.eE+-tfnulrase \\u\n".utf8) + [0x00, 0x80, 0xC3, 0xFF]
        var refused = 0
        for _ in 0..<5_000 {
            var bytes = JSONWriter.bytes(Self.randomValue(&random))
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let place = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0 where place < bytes.count: bytes.remove(at: place)
                case 1 where place < bytes.count: bytes[place] = alphabet.randomElement(using: &random)!
                default: bytes.insert(alphabet.randomElement(using: &random)!, at: place)
                }
            }
            let ours: JSONValue?
            do {
                ours = try JSONParser.parse(bytes)
            } catch {
                ours = nil
                refused += 1
                #expect(error.line >= 1 && error.column >= 1)
            }
            if let ours {
                #expect((try? JSONParser.parse(JSONWriter.bytes(ours))) == ours)
            }
            let foundation = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            // Whatever we take, Foundation takes too (it also takes a few texts we refuse on
            // purpose, such as a lone surrogate escape, so the other direction is not held).
            if ours != nil { #expect(foundation != nil, "Foundation refuses \(String(decoding: bytes, as: UTF8.self))") }
        }
        #expect(refused > 1_000, "the damage should break most documents")
    }

    @Test(arguments: [
        ("  null  ", JSONValue.null),
        ("-0", .integer(0)),
        ("1E2", .number(100)),
        ("1e-2", .number(0.01)),
        ("[\"\\u0000\"]", .array([.string("\u{0}")])),
        ("\"\\ud83d\\ude00\"", .string("😀")),
        ("{\"a\":1,\"a\":2}", .object(["a": .integer(2)])),
        ("\"\u{2028}\"", .string("\u{2028}")),
    ])
    func cornersOfTheGrammarThatAreJSON(text: String, value: JSONValue) throws {
        #expect(try JSONParser.parse(Array(text.utf8)) == value)
    }

    @Test(arguments: [
        "", " ", "01", "1.", ".5", "+1", "-", "1e", "1e+", "--1", "0x10", "NaN", "Infinity", "tru", "nul", "[1,]", "{\"a\":1,}",
        "{a:1}", "'a'", "[", "]", "{\"a\"}", "\"\\x\"", "\"\\u12\"", "\"\\udc00\"", "\"a\tb\"", "[1 2]", "{} {}", "\u{FEFF}{}",
    ])
    func cornersOfTheGrammarThatAreNot(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func nestingUpToTheLimitIsReadAndBeyondIsRefusedWithoutTrapping() throws {
        let depth = JSONParser.maximumDepth
        let atLimit = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: Never.self) { try JSONParser.parse(Array(atLimit.utf8)) }
        for count in [depth + 1, 100_000] {
            let deep = String(repeating: "{\"a\":", count: count) + "1" + String(repeating: "}", count: count)
            #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
        }
        // A long flat document is no trouble.
        let wide = "[" + Array(repeating: "1", count: 200_000).joined(separator: ",") + "]"
        #expect(try JSONParser.parse(Array(wide.utf8)).arrayValue?.count == 200_000)
    }
}
