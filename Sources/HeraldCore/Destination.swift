/// Where a request goes, as the bounds on concurrent sends count it: a URL's scheme and
/// authority (host and port as written, without user info), lower-cased —
/// `https://hooks.example.com`, `http://127.0.0.1:9090`. It is also what an HTTP client pools
/// connections by, so no one receiver can hold every send slot.
public enum Destination {
    /// The destination of `url`; `nil` when it has no `scheme://authority`.
    public static func of(url: String) -> String? {
        let bytes = Array(url.utf8)
        guard let separator = find(Array("://".utf8), in: bytes), separator > 0,
              bytes[..<separator].allSatisfy({ isSchemeByte($0) })
        else { return nil }
        let start = separator + 3
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?"), bytes[end] != UInt8(ascii: "#") {
            end += 1
        }
        // User info ends at the authority's last `@`.
        let host = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")).map { $0 + 1 } ?? start
        guard host < end else { return nil }
        return String(decoding: bytes[..<start] + bytes[host..<end], as: UTF8.self).lowercased()
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for index in 0...(bytes.count - needle.count) where bytes[index..<index + needle.count].elementsEqual(needle) {
            return index
        }
        return nil
    }

    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}
