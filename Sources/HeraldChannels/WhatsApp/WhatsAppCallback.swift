import Crypto
import Foundation
public import HeraldCore

/// What Meta posts to `/api/v1/callbacks/whatsapp`: checked against its signature, then read
/// into receipts (`entry[].changes[].value.statuses[]`) and incoming customer messages
/// (`…value.messages[]`). See Meta's "Webhooks" reference for the WhatsApp Business Account.
public enum WhatsAppCallback {
    /// Whether `X-Hub-Signature-256` (`sha256=` and the hex HMAC-SHA256 of the raw body) matches
    /// one of `secrets` (app secrets), each compared in constant time.
    public static func signatureMatches(body: [UInt8], header: String?, secrets: [String]) -> Bool {
        guard let header, header.hasPrefix("sha256="), let given = Hex.decode(String(header.dropFirst(7))), given.count == 32 else {
            return false
        }
        var matched = false
        for secret in secrets where !secret.isEmpty {
            let key = SymmetricKey(data: Data(secret.utf8))
            if HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: key) { matched = true }
        }
        return matched
    }

    /// `sha256=<hex>` for `body`: what Meta sends (for tests and tools).
    public static func signature(body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + Hex.encode(Array(code))
    }

    /// The parts of a callback Herald acts on, value by value: each `entry[].changes[].value`
    /// speaks for one business number, and is verified for that number on its own.
    public struct Content: Sendable, Hashable {
        public var values: [Value] = []

        /// Every value's receipts.
        public var receipts: [Receipt] { values.flatMap(\.receipts) }
        /// Every value's customer messages.
        public var incoming: [IncomingMessage] { values.flatMap(\.incoming) }
    }

    /// One `entry[].changes[].value`: what happened on one business number.
    public struct Value: Sendable, Hashable {
        /// `metadata.phone_number_id`: the number it speaks for.
        public var phoneNumberID: String?
        public var receipts: [Receipt] = []
        /// Customer messages: passed on, never stored.
        public var incoming: [IncomingMessage] = []
        /// `statuses[]` items that change nothing (`sent`, unknown statuses, no id).
        public var ignored = 0
    }

    /// Reads a callback body (already authenticated).
    /// - Returns: `nil` when it is not a JSON object.
    public static func parse(_ body: [UInt8]) -> Content? {
        guard let root = JSONValue.decode(body)?.objectValue else { return nil }
        var content = Content()
        for entry in root["entry"]?.arrayValue ?? [] {
            for change in entry.objectValue?["changes"]?.arrayValue ?? [] {
                guard let fields = change.objectValue?["value"]?.objectValue else { continue }
                let metadata = fields["metadata"]?.objectValue
                var value = Value(phoneNumberID: metadata?["phone_number_id"]?.stringValue)
                let contacts = fields["contacts"]?.arrayValue?.compactMap(\.objectValue) ?? []
                for status in fields["statuses"]?.arrayValue ?? [] {
                    if let receipt = receipt(status.objectValue ?? [:]) { value.receipts.append(receipt) } else { value.ignored += 1 }
                }
                for message in fields["messages"]?.arrayValue ?? [] {
                    guard let payload = message.objectValue else { continue }
                    let from = payload["from"]?.stringValue
                    value.incoming.append(IncomingMessage(
                        channel: "whatsapp", businessNumber: value.phoneNumberID,
                        displayPhoneNumber: metadata?["display_phone_number"]?.stringValue,
                        contact: contacts.first { $0["wa_id"]?.stringValue == from }, payload: payload
                    ))
                }
                content.values.append(value)
            }
        }
        return content
    }

    /// One `statuses[]` item: `id` (the wamid), `status`, `timestamp` (Unix seconds, as text),
    /// and for a failure `errors[]` with `code`, `message` (or `title`) and `error_data.details`.
    static func receipt(_ item: [String: JSONValue]) -> Receipt? {
        guard let id = item["id"]?.stringValue, !id.isEmpty,
              let status = item["status"]?.stringValue.flatMap(Receipt.Status.init(rawValue:)),
              [.delivered, .read, .failed].contains(status)
        else { return nil }
        let seconds = item["timestamp"].flatMap { $0.stringValue.flatMap(Double.init) ?? $0.doubleValue } ?? 0
        var receipt = Receipt(
            channel: "whatsapp", providerMessageID: StorableText.clean(id, limit: 256), status: status, at: Date(timeIntervalSince1970: seconds)
        )
        if let error = item["errors"]?.arrayValue?.first?.objectValue {
            receipt.errorCode = error["code"]?.integerValue.map(String.init)
            let words = error["message"]?.stringValue ?? error["title"]?.stringValue
            let details = error["error_data"]?.objectValue?["details"]?.stringValue
            receipt.errorMessage = StorableText.clean([words, details == words ? nil : details].compactMap { $0 }.joined(separator: " — "), limit: 1024)
        }
        return receipt
    }
}

/// A message a customer sent to a business number: Herald passes it on to the tenant and keeps
/// no conversation.
public struct IncomingMessage: Sendable, Hashable {
    public var channel: String
    /// The business number it was sent to (WhatsApp's `phone_number_id`).
    public var businessNumber: String?
    /// That number as people dial it (WhatsApp's `display_phone_number`).
    public var displayPhoneNumber: String?
    /// The sender's contact entry (WhatsApp's `contacts[]` item: `wa_id`, `profile.name`).
    public var contact: [String: JSONValue]?
    /// The provider's message object, as it came.
    public var payload: [String: JSONValue]

    public init(
        channel: String, businessNumber: String?, displayPhoneNumber: String? = nil, contact: [String: JSONValue]? = nil,
        payload: [String: JSONValue]
    ) {
        self.channel = channel
        self.businessNumber = businessNumber
        self.displayPhoneNumber = displayPhoneNumber
        self.contact = contact
        self.payload = payload
    }

    /// The provider's id of the message (a wamid).
    public var providerMessageID: String? { payload["id"]?.stringValue }

    /// The `data` of its `message.received` event.
    public var eventData: [String: JSONValue] {
        [
            "channel": .string(channel),
            "phone_number_id": businessNumber.map(JSONValue.string) ?? .null,
            "display_phone_number": displayPhoneNumber.map(JSONValue.string) ?? .null,
            "from": payload["from"] ?? .null,
            "contact": contact.map(JSONValue.object) ?? .null,
            "message": .object(payload),
        ]
    }
}
