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

    /// The parts of a callback Herald acts on.
    public struct Content: Sendable, Hashable {
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
                guard let value = change.objectValue?["value"]?.objectValue else { continue }
                let metadata = value["metadata"]?.objectValue
                let phoneNumberID = metadata?["phone_number_id"]?.stringValue
                let contacts = value["contacts"]?.arrayValue?.compactMap(\.objectValue) ?? []
                for status in value["statuses"]?.arrayValue ?? [] {
                    if let receipt = receipt(status.objectValue ?? [:]) { content.receipts.append(receipt) } else { content.ignored += 1 }
                }
                for message in value["messages"]?.arrayValue ?? [] {
                    guard let fields = message.objectValue else { continue }
                    let from = fields["from"]?.stringValue
                    content.incoming.append(IncomingMessage(
                        channel: "whatsapp", businessNumber: phoneNumberID,
                        displayPhoneNumber: metadata?["display_phone_number"]?.stringValue,
                        contact: contacts.first { $0["wa_id"]?.stringValue == from }, payload: fields
                    ))
                }
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
        var receipt = Receipt(channel: "whatsapp", providerMessageID: id, status: status, at: Date(timeIntervalSince1970: seconds))
        if let error = item["errors"]?.arrayValue?.first?.objectValue {
            receipt.errorCode = error["code"]?.integerValue.map(String.init)
            let words = error["message"]?.stringValue ?? error["title"]?.stringValue
            let details = error["error_data"]?.objectValue?["details"]?.stringValue
            receipt.errorMessage = [words, details == words ? nil : details].compactMap { $0 }.joined(separator: " — ")
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
