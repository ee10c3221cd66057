/// Phone numbers in E.164 form (`+` and 7–15 digits), as WhatsApp and Twilio take them.
public enum PhoneNumber {
    /// The E.164 form of `text`, or `nil` when it cannot be one. Spaces, dashes, dots and
    /// parentheses between digits are dropped; a number without the `+` is taken as international
    /// (`14155550100` → `+14155550100`). Country codes never start with 0.
    public static func normalize(_ text: String) -> String? {
        var digits: [UInt8] = []
        var bytes = Substring(text).utf8.drop { $0 == UInt8(ascii: " ") }
        if bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte)
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"): continue
            default: return nil
            }
        }
        guard (7...15).contains(digits.count), digits.first != UInt8(ascii: "0") else { return nil }
        return "+" + String(decoding: digits, as: UTF8.self)
    }

    /// Puts a draft's recipient in E.164 form.
    /// - Parameter what: the sentence for a missing recipient, such as "an SMS needs a recipient phone number".
    /// - Returns: the problem with `to`, if any.
    public static func normalizeRecipient(of draft: inout MessageDraft, missing what: String) -> FieldProblem? {
        guard let to = draft.recipient else { return FieldProblem(field: "to", code: "missing", problem: what) }
        guard let number = normalize(to) else { return problem(field: "to", text: to) }
        draft.recipient = number
        return nil
    }

    /// The problem `text`, which is not a phone number, gets as field `field`: the rule it broke
    /// and how to write it.
    public static func problem(field: String, text: String) -> FieldProblem {
        let digits = text.filter(\.isNumber)
        let problem = if digits.first == "0" {
            "cannot start with 0 — write it with its country code, such as +31612345678 for 0612345678 in the Netherlands "
                + "(E.164: + and 7 to 15 digits; a number without + is read as international)"
        } else if !(7...15).contains(digits.count) {
            "has \(digits.count) digits; a phone number in E.164 form has 7 to 15 after the +, country code first, such as +14155550100"
        } else {
            "must be a phone number in E.164 form: + and 7 to 15 digits, country code first, such as +14155550100 (spaces, dashes, dots and parentheses may separate them)"
        }
        return FieldProblem(field: field, code: "invalid_phone_number", problem: problem)
    }
}
