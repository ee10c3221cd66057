/// Text from outside — a receiver's answer, a provider's error message — made safe to store
/// and to show: valid UTF-8 (invalid sequences become U+FFFD), no NUL or other control character
/// but tab and newline (each replaced by U+FFFD), within a limit in bytes.
///
/// PostgreSQL refuses NUL in text (SQLSTATE 22021) and SQLite's readers stop at it, so a
/// receiver answering with one byte of binary must not be able to make its result unrecordable.
public enum StorableText {
    /// The replacement for each refused character.
    static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// Cleans `bytes`, keeping at most `limit` bytes of the result (cut at a character boundary).
    public static func clean(bytes: some Collection<UInt8>, limit: Int = .max) -> String {
        clean(String(decoding: bytes, as: UTF8.self), limit: limit)
    }

    /// Cleans `text`, keeping at most `limit` bytes of the result (cut at a character boundary).
    public static func clean(_ text: String, limit: Int = .max) -> String {
        var cleaned = text
        if cleaned.utf8.contains(where: mayBeRefused) {
            var scalars = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                scalars.append(isRefused(scalar) ? replacement : scalar)
            }
            cleaned = String(scalars)
        }
        guard cleaned.utf8.count > limit else { return cleaned }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in cleaned.unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= limit else { break }
            kept.append(scalar)
        }
        return String(kept)
    }

    /// Whether `text` would be changed by ``clean(_:limit:)`` (without a limit).
    public static func isClean(_ text: String) -> Bool {
        !text.utf8.contains(where: mayBeRefused) || !text.unicodeScalars.contains(where: isRefused)
    }

    /// A byte that starts or is a refused character: C0 controls and DEL, and the lead byte of
    /// the C1 controls (U+0080–U+009F are `C2 80`–`C2 9F`).
    private static func mayBeRefused(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F || byte == 0xC2
    }

    private static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && value != 0x09 && value != 0x0A) || (0x7F...0x9F).contains(value)
    }
}
