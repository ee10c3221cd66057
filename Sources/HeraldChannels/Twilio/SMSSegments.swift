/// How many SMS segments a text takes, which is what Twilio's per-sender rate counts: GSM-7
/// text takes 160 characters in one segment, 153 in each of several (characters of the
/// extension table count twice); anything else is UCS-2, 70 UTF-16 units in one, 67 in each of
/// several.
enum SMSSegments {
    static func count(_ text: String) -> Int {
        var septets = 0
        for scalar in text.unicodeScalars {
            if basic.contains(scalar) {
                septets += 1
            } else if extended.contains(scalar) {
                septets += 2
            } else {
                let units = text.utf16.count
                return units <= 70 ? 1 : (units + 66) / 67
            }
        }
        return septets <= 160 ? 1 : (septets + 152) / 153
    }

    /// The GSM 03.38 basic character set.
    private static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
            + "¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars
    )

    /// The GSM 03.38 extension table: each costs an escape plus the character.
    private static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
