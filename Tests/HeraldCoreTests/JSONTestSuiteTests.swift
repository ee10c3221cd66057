import Foundation
import HeraldCore
import Testing

/// Nicolas Seriot's JSONTestSuite (MIT, its `test_parsing` corpus copied into `JSONTestSuite/`
/// with its licence): every `y_` document is read, every `n_` one refused with a place, and
/// each `i_` one (the grammar leaves it to the parser) either read or refused — never a trap.
struct JSONTestSuiteTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("JSONTestSuite")

    static func cases(_ prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
            .sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    @Test func theCorpusIsThere() {
        #expect(Self.cases("y_").count == 95)
        #expect(Self.cases("n_").count == 188)
        #expect(Self.cases("i_").count == 35)
    }

    @Test(arguments: cases("y_"))
    func mustBeRead(name: String) throws {
        let bytes = try Self.bytes(name)
        #expect(throws: Never.self) { _ = try JSONParser.parse(bytes) }
    }

    @Test(arguments: cases("n_"))
    func mustBeRefused(name: String) throws {
        let bytes = try Self.bytes(name)
        #expect(throws: JSONParser.Failure.self) { _ = try JSONParser.parse(bytes) }
    }

    @Test(arguments: cases("i_"))
    func mayBeEitherButNeverTrap(name: String) throws {
        let bytes = try Self.bytes(name)
        do {
            let value = try JSONParser.parse(bytes)
            // What is read writes and reads back the same.
            #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
        } catch {
            // Refused with a place (the parser throws only its typed failure): fine.
            #expect(error.line >= 1)
        }
    }

    /// Documents of `n` units, read in full (or, the last, refused only at its end).
    static func document(_ kind: String, _ n: Int) -> [UInt8] {
        let text = switch kind {
        case "numbers": "[" + String(repeating: "12345.5e1,", count: n) + "0]"
        case "object": "{" + (0..<n).map { "\"k\($0)\":true" }.joined(separator: ",") + "}"
        case "escapes": "\"" + String(repeating: "\\u00e9a\\n\\ud83d\\ude00", count: n) + "\""
        case "nesting": "[" + String(repeating: "[[[[{}]]]],", count: n) + "[]]"
        default: "\"" + String(repeating: "unterminated ", count: n)
        }
        return Array(text.utf8)
    }

    /// Linear time: documents 8 times larger take no more than about 8 times longer (the best
    /// of a few runs, with a wide margin for a busy machine).
    @Test(arguments: ["numbers", "object", "escapes", "nesting", "unterminated"])
    func parsingTimeGrowsLinearly(kind: String) {
        func best(_ bytes: [UInt8]) -> Duration {
            (0..<5).map { _ in ContinuousClock().measure { _ = try? JSONParser.parse(bytes) } }.min() ?? .zero
        }
        let small = Self.document(kind, 10_000)
        let large = Self.document(kind, 80_000)
        if kind != "unterminated" { #expect((try? JSONParser.parse(large)) != nil) }
        let ratio = best(large) / best(small)
        #expect(ratio < 30, "8× the input took \(ratio)× the time")
    }
}
