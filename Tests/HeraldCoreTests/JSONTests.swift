import Foundation
import HeraldCore
import Testing

struct JSONTests {
    @Test func parsesEveryKindOfValue() throws {
        let text = #" {"s": "a\"b\\c\/d\n\u00e9\ud83d\ude00", "n": -12.5e1, "i": 0, "t": true, "f": false, "z": null, "a": [1, [], {}], "o": {"k": "v"}} "#
        let value = try JSONParser.parse(Array(text.utf8))
        #expect(value == .object([
            "s": .string("a\"b\\c/d\né😀"), "n": .number(-125), "i": .number(0), "t": .bool(true), "f": .bool(false),
            "z": .null, "a": .array([.number(1), .array([]), .object([:])]), "o": .object(["k": .string("v")]),
        ]))
    }

    @Test(arguments: [
        (#"{"a": 1,, "b": 2}"#, 1, 9, "expected a quoted key"),
        ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "expected ',' or '}'"),
        (#"{"a": tru}"#, 1, 7, "expected a value"),
        (#"{"a": 01}"#, 1, 8, "expected ',' or '}'"),
        (#"{"a": 1."#, 1, 9, "malformed number: digits must follow '.'"),
        (#"{"a": "x"#, 1, 9, "the text ends inside a string"),
        (#"{"a": "\q"}"#, 1, 8, "unknown escape '\\q'"),
        (#"{"a": 1} x"#, 1, 10, "unexpected text after the JSON value"),
        ("", 1, 1, "the text ends where a value was expected"),
        (#"{"a": "\ud800"}"#, 1, 14, "a high surrogate must be followed by a low one"),
    ])
    func reportsWhereTextBreaks(text: String, line: Int, column: Int, reason: String) {
        #expect(throws: JSONParser.Failure(line: line, column: column, reason: reason)) {
            try JSONParser.parse(Array(text.utf8))
        }
    }

    @Test func refusesDeepNestingAndBadUTF8() {
        let deep = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array("\"a\u{01}\"".utf8)) }
    }

    @Test func writesCompactSortedEscapedJSON() {
        let value: JSONValue = .object([
            "z": .number(1), "a": .array([.number(1.5), .null, .bool(true)]),
            "s": .string("q\"\\\n\u{01}é/"), "big": .number(1e20),
        ])
        #expect(value.jsonText == #"{"a":[1.5,null,true],"big":1e+20,"s":"q\"\\\n\u0001é/","z":1}"#)
    }

    @Test func writingThenParsingGivesTheSameValue() throws {
        let value: JSONValue = .object(["k": .array([.string("\u{7f}\t"), .number(-0.25), .object(["x": .null])])])
        #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
        // And Foundation reads what we write.
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(JSONWriter.bytes(value))) == value)
    }

    /// The generated API code reads bodies with Foundation's decoder: every kind of value comes
    /// out as the same case our parser gives, whole numbers exactly.
    @Test func foundationDecodingGivesTheParsersCases() throws {
        let text = #"{"s":"x","o":{"n":null,"e":{}},"i":9007199254740993,"min":-9223372036854775808,"d":0.5,"t":true,"f":false,"a":[1,"2",[],[3.25]],"u":18446744073709551615}"#
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let parsed = try JSONParser.parse(Array(text.utf8))
        #expect(decoded == parsed)
        #expect(decoded["i"] == .integer(9_007_199_254_740_993))
        #expect(decoded["min"] == .integer(.min))
        #expect(decoded["t"] == .bool(true))
        #expect(decoded["o"]?["e"] == .object([:]))
        #expect(decoded["a"] == .array([.integer(1), .string("2"), .array([]), .array([.number(3.25)])]))
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data("[]".utf8)) == .array([]))
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data("null".utf8)) == .null)
    }
}

struct JSONNumberFidelityTests {
    @Test func largeIntegersSurviveExactly() throws {
        let text = #"{"order_id":12345678901234567890,"small":-9223372036854775808,"ratio":0.1,"exp":1e3}"#
        let value = try JSONParser.parse(Array(text.utf8))
        #expect(value["small"] == .integer(.min))
        // Beyond Int64 the literal is a double, but everything that fits is exact.
        let fits = try JSONParser.parse(Array(#"{"id": 9007199254740993}"#.utf8))
        #expect(fits.jsonText == #"{"id":9007199254740993}"#)
        #expect(value["exp"] == .number(1000))
        #expect(value["ratio"] == .number(0.1))
    }

    @Test func integersAndEqualDoublesAreEqualAndHashAlike() {
        #expect(JSONValue.integer(3) == .number(3))
        #expect(JSONValue.integer(3) != .number(3.5))
        #expect(Set<JSONValue>([.integer(3), .number(3)]).count == 1)
        #expect(JSONValue.integer(3).integerValue == 3)
        #expect(JSONValue.number(2.5).integerValue == nil)
    }
}
