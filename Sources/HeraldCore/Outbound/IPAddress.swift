/// An IPv4 or IPv6 address, parsed from every spelling a URL host or a resolver may give:
/// dotted quads and the shorter, decimal, octal and hex forms `inet_aton` accepts (`127.1`,
/// `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`), bracketed IPv6 with a zone or an embedded IPv4.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    /// 16 bytes, network order.
    case v6([UInt8])

    /// Parses a literal address; `nil` for a name (which needs a DNS look-up).
    public init?(_ text: String) {
        var host = Substring(text)
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        if host.contains(":") {
            // A zone (`fe80::1%eth0`) does not change which network the address is in.
            if let percent = host.firstIndex(of: "%") { host = host[..<percent] }
            guard let bytes = Self.parseV6(host) else { return nil }
            self = .v6(bytes)
        } else if let value = Self.parseV4(host) {
            self = .v4(value)
        } else {
            return nil
        }
    }

    /// The IPv4 address an IPv6 one carries: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
    /// (`::a.b.c.d`), or NAT64 (`64:ff9b::a.b.c.d`).
    public var embeddedV4: UInt32? {
        guard case .v6(let bytes) = self else { return nil }
        let head = bytes[0..<12]
        let mapped = head.elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])
        let compatible = head.allSatisfy { $0 == 0 } && bytes[12..<16].contains { $0 != 0 } && !(bytes[12..<15].allSatisfy { $0 == 0 } && bytes[15] == 1)
        let nat64 = head.elementsEqual([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])
        guard mapped || compatible || nat64 else { return nil }
        return bytes[12..<16].reduce(0) { $0 << 8 | UInt32($1) }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xff) }.joined(separator: ".")
        case .v6(let bytes):
            return Self.compressed(stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) })
        }
    }

    /// RFC 5952's text: lower-case hex groups, the longest run of two or more zero groups (the
    /// first of equal ones) written `::` — `::1`, `fe80::1`, `2001:db8::8:800:200c:417a`.
    static func compressed(_ groups: [UInt16]) -> String {
        var best = (start: -1, length: 1)
        var index = 0
        while index < groups.count {
            guard groups[index] == 0 else { index += 1; continue }
            let start = index
            while index < groups.count, groups[index] == 0 { index += 1 }
            if index - start > best.length { best = (start, index - start) }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// `inet_aton`: one to four parts, each decimal, octal (leading 0) or hex (0x); the last
    /// part fills the bytes the others left.
    static func parseV4(_ text: Substring) -> UInt32? {
        if let plain = parseDottedDecimal(text.utf8) { return plain }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = parseNumber(part) else { return nil }
            values.append(value)
        }
        var result: UInt64 = 0
        for (index, value) in values.dropLast().enumerated() {
            guard value <= 0xff else { return nil }
            result |= value << UInt64(8 * (3 - index))
        }
        let last = values[values.count - 1]
        let room = UInt64(8 * (4 - (values.count - 1)))
        guard last < (1 << room) else { return nil }
        return UInt32(result | last)
    }

    /// The common spelling, `a.b.c.d` in decimal without leading zeros, read without
    /// allocating (every webhook URL with a literal address is checked at ingest); `nil` sends
    /// anything else to the general reading above.
    private static func parseDottedDecimal(_ bytes: Substring.UTF8View) -> UInt32? {
        var result: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var parts = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3, part <= 0xff else { return nil }
                result = result << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                // A leading zero means octal in the general reading.
                guard digits < 3, !(digits == 1 && part == 0) else { return nil }
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                return nil
            }
        }
        guard parts == 3, digits > 0, part <= 0xff else { return nil }
        return result << 8 | part
    }

    private static func parseNumber(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 12 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            return digits.isEmpty ? 0 : UInt64(digits, radix: 16)
        }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    static func parseV6(_ text: Substring) -> [UInt8]? {
        var text = text
        var tail: [UInt8] = []
        // A dotted IPv4 in the last 32 bits.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            let quad = text[text.index(after: lastColon)...]
            let parts = quad.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            for part in parts {
                guard let byte = UInt8(part) else { return nil }
                tail.append(byte)
            }
            text = text[...lastColon]
            if text.hasSuffix("::") == false { text = text.dropLast() }
        }
        var halves = [String(text)]
        if let gap = text.firstRange(of: "::") {
            halves = [String(text[..<gap.lowerBound]), String(text[gap.upperBound...])]
            guard !halves[1].contains("::") else { return nil }
        }
        func groups(_ half: String) -> [UInt16]? {
            guard !half.isEmpty else { return [] }
            var out: [UInt16] = []
            for group in half.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                out.append(value)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        let rest = halves.count == 2 ? groups(halves[1]) : []
        guard let rest else { return nil }
        let wanted = 8 - tail.count / 2
        var all = head
        if halves.count == 2 {
            guard head.count + rest.count < wanted else { return nil }
            all += Array(repeating: 0, count: wanted - head.count - rest.count) + rest
        }
        guard all.count == wanted else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] } + tail
    }
}
