import Crypto
public import Foundation
public import HeraldCore

/// What Twilio posts to a message's `StatusCallback` (form-encoded): checked against
/// `X-Twilio-Signature`, then read into a receipt.
public enum TwilioCallback {
    /// Whether `X-Twilio-Signature` matches: the base64 HMAC-SHA1, keyed by the account's auth
    /// token, of the full URL Twilio called followed by every POST parameter's name and value,
    /// sorted by name. Compared in constant time.
    public static func signatureMatches(url: String, parameters: [(String, String)], header: String?, authToken: String) -> Bool {
        guard let header, let given = Data(base64Encoded: header), !authToken.isEmpty else { return false }
        return HMAC<Insecure.SHA1>.isValidAuthenticationCode(
            given, authenticating: signedContent(url, parameters), using: SymmetricKey(data: Data(authToken.utf8))
        )
    }

    /// The `X-Twilio-Signature` Twilio would send (for tests and tools).
    public static func signature(url: String, parameters: [(String, String)], authToken: String) -> String {
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: signedContent(url, parameters), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(code).base64EncodedString()
    }

    private static func signedContent(_ url: String, _ parameters: [(String, String)]) -> Data {
        var content = Data(url.utf8)
        // Sorted by name (byte order), a name's values in the order they came.
        for (name, value) in parameters.enumerated().sorted(by: { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }).map(\.element) {
            content.append(contentsOf: Array(name.utf8))
            content.append(contentsOf: Array(value.utf8))
        }
        return content
    }

    /// Twilio statuses that change nothing visible: the message is on its way.
    public static let passingStatuses: Set<String> = ["accepted", "queued", "sending", "sent", "scheduled", "receiving", "received"]

    /// The receipt in a status callback: `MessageSid`, `MessageStatus`, `ErrorCode` (and
    /// `ErrorMessage` when present). Twilio sends no time, so it is `receivedAt`.
    /// - Returns: `nil` for a passing status or a callback without a sid.
    public static func receipt(_ parameters: [String: String], receivedAt: Date) -> Receipt? {
        guard let sid = parameters["MessageSid"] ?? parameters["SmsSid"], !sid.isEmpty,
              let status = (parameters["MessageStatus"] ?? parameters["SmsStatus"]).flatMap(Receipt.Status.init(rawValue:))
        else { return nil }
        let code: String? = parameters["ErrorCode"].flatMap { $0.isEmpty ? nil : StorableText.clean($0, limit: 64) }
        let words: String? = parameters["ErrorMessage"].flatMap { $0.isEmpty ? nil : StorableText.clean($0, limit: 1024) } ?? code.map { "Twilio error \($0)" }
        return Receipt(
            channel: "twilio", providerMessageID: StorableText.clean(sid, limit: 256), status: status, at: receivedAt, errorCode: code,
            errorMessage: words
        )
    }
}

/// `application/x-www-form-urlencoded` text, as Twilio posts it.
public enum FormBody {
    /// Every `name=value` pair in order (`+` is a space, `%XX` a byte); a pair that cannot be
    /// decoded is kept as it came.
    public static func parse(_ body: [UInt8]) -> [(String, String)] {
        String(decoding: body, as: UTF8.self).split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// `fields` as `application/x-www-form-urlencoded` text, in order.
    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    private static let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._*")

    private static func escape(_ text: String) -> String {
        (text.addingPercentEncoding(withAllowedCharacters: safe) ?? text).replacingOccurrences(of: "%20", with: "+")
    }
}
