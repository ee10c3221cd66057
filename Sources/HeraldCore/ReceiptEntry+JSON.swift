import Foundation

extension ReceiptEntry {
    /// The entry as stored and shown: `{"status","at","received_at","error_code","error_message","applied"}`,
    /// times in milliseconds since 1970 (stores) — the API writes its own timestamps.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "status": .string(status.rawValue),
            "at": .integer(Int64((at.timeIntervalSince1970 * 1000).rounded())),
            "received_at": .integer(Int64((receivedAt.timeIntervalSince1970 * 1000).rounded())),
            "applied": .bool(applied),
        ]
        if let errorCode { fields["error_code"] = .string(errorCode) }
        if let errorMessage { fields["error_message"] = .string(errorMessage) }
        return .object(fields)
    }

    /// Reads an entry written by ``json``; `nil` for anything else.
    public init?(json: JSONValue) {
        guard let fields = json.objectValue,
              let statusText = fields["status"]?.stringValue, let status = Receipt.Status(rawValue: statusText),
              let at = fields["at"]?.integerValue, let receivedAt = fields["received_at"]?.integerValue
        else { return nil }
        var applied = true
        if case .bool(let value)? = fields["applied"] { applied = value }
        self.init(
            status: status, at: Date(timeIntervalSince1970: Double(at) / 1000),
            receivedAt: Date(timeIntervalSince1970: Double(receivedAt) / 1000),
            errorCode: fields["error_code"]?.stringValue, errorMessage: fields["error_message"]?.stringValue, applied: applied
        )
    }

    /// A message's history as stored: a JSON array, or `nil` when empty.
    public static func storedText(_ entries: [ReceiptEntry]) -> String? {
        entries.isEmpty ? nil : JSONValue.array(entries.map(\.json)).jsonText
    }

    /// Reads a history written by ``storedText(_:)``.
    public static func entries(storedText: String?) -> [ReceiptEntry] {
        guard let storedText, let array = JSONValue.decode(storedText.utf8)?.arrayValue else { return [] }
        return array.compactMap(ReceiptEntry.init(json:))
    }
}
