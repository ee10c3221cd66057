/// Parses JSON text into a ``JSONValue`` in one pass, and on failure says where and why
/// ("line 3, column 14: expected ',' or '}'") — which Foundation's decoder on Linux does not.
public enum JSONParser {
    /// Why and where a text is not JSON.
    public struct Failure: Error, Hashable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var reason: String

        public var description: String { "line \(line), column \(column): \(reason)" }

        public init(line: Int, column: Int, reason: String) {
            self.line = line
            self.column = column
            self.reason = reason
        }
    }

    /// The deepest nesting accepted, so hostile input cannot exhaust the stack.
    public static let maximumDepth = 256

    /// Parses a complete JSON text (surrounding whitespace allowed).
    /// - Throws: ``Failure`` at the first error.
    public static func parse(_ bytes: some Collection<UInt8>) throws(Failure) -> JSONValue {
        let array = Array(bytes)
        var parser = Parser(bytes: array)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if parser.index < array.count { throw parser.fail("unexpected text after the JSON value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        func fail(_ reason: String) -> Failure {
            var line = 1
            var column = 1
            for byte in bytes[..<min(index, bytes.count)] {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return Failure(line: line, column: column, reason: reason)
        }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard depth < JSONParser.maximumDepth else { throw fail("nested more than \(JSONParser.maximumDepth) levels deep") }
            guard let byte = current else { throw fail("the text ends where a value was expected") }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: throw fail("expected a value")
            }
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            index += 1
            var members: [String: JSONValue] = [:]
            skipSpace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else {
                    throw fail(current == nil ? "the text ends inside an object" : "expected a quoted key")
                }
                let key = try string()
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw fail("expected ':' after the key") }
                index += 1
                skipSpace()
                members[key] = try value(depth: depth + 1)
                skipSpace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(members)
                case nil: throw fail("the text ends inside an object")
                default: throw fail("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            index += 1
            var elements: [JSONValue] = []
            skipSpace()
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipSpace()
                elements.append(try value(depth: depth + 1))
                skipSpace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(elements)
                case nil: throw fail("the text ends inside an array")
                default: throw fail("expected ',' or ']'")
                }
            }
        }

        mutating func string() throws(Failure) -> String {
            index += 1
            let start = index
            // Fast path: no escapes, so the bytes are the string.
            while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                guard byte >= 0x20 else { throw fail("control character inside a string; escape it") }
                index += 1
            }
            guard let stop = current else { throw fail("the text ends inside a string") }
            var utf8 = Array(bytes[start..<index])
            if stop == UInt8(ascii: "\\") {
                try escapedTail(into: &utf8)
            }
            index += 1
            guard let text = String(validating: utf8, as: UTF8.self) else {
                throw fail("the string is not valid UTF-8")
            }
            return text
        }

        /// Continues a string from its first backslash to (not past) the closing quote.
        mutating func escapedTail(into utf8: inout [UInt8]) throws(Failure) {
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    return
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let escape = current else { throw fail("the text ends inside a string") }
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                    default:
                        index -= 2
                        throw fail("unknown escape '\\\(Character(Unicode.Scalar(escape)))'")
                    }
                case 0..<0x20:
                    throw fail("control character inside a string; escape it")
                default:
                    utf8.append(byte)
                    index += 1
                }
            }
            throw fail("the text ends inside a string")
        }

        /// Reads the hex of a `\u` escape (and its low surrogate when it is a high one).
        mutating func unicodeEscape() throws(Failure) -> [UInt8] {
            let high = try hex4()
            var scalarValue = UInt32(high)
            if (0xD800..<0xDC00).contains(high) {
                guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw fail("a high surrogate must be followed by a low one")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid low surrogate") }
                scalarValue = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00..<0xE000).contains(high) {
                throw fail("a low surrogate without a high one")
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw fail("invalid unicode escape") }
            return Array(String(Character(scalar)).utf8)
        }

        mutating func hex4() throws(Failure) -> UInt16 {
            guard index + 4 <= bytes.count else { throw fail("a \\u escape needs four hex digits") }
            var value: UInt16 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("a \\u escape needs four hex digits")
                }
                value = value << 4 | UInt16(digit)
                index += 1
            }
            return value
        }

        /// An exact `integer` for whole literals that fit 64 bits, otherwise a double.
        mutating func number() throws(Failure) -> JSONValue {
            let start = index
            var whole = true
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, isDigit(first) else { throw fail("malformed number") }
            index += 1
            if first != UInt8(ascii: "0") {
                while let byte = current, isDigit(byte) { index += 1 }
            }
            if current == UInt8(ascii: ".") {
                whole = false
                index += 1
                guard let byte = current, isDigit(byte) else { throw fail("malformed number: digits must follow '.'") }
                while let byte = current, isDigit(byte) { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                whole = false
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard let byte = current, isDigit(byte) else { throw fail("malformed number: digits must follow the exponent") }
                while let byte = current, isDigit(byte) { index += 1 }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if whole, let exact = Int64(text) { return .integer(exact) }
            guard let value = Double(text), value.isFinite else {
                index = start
                throw fail("number out of range")
            }
            return .number(value)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let count = word.utf8CodeUnitCount
            let matches = index + count <= bytes.count && word.withUTF8Buffer { bytes[index..<(index + count)].elementsEqual($0) }
            guard matches else { throw fail("expected a value") }
            index += count
        }
    }
}
