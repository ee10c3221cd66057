import HeraldCore

/// One message to accept: the body of `POST /api/v1/messages` and `…/send`, and each item of a
/// batch (`MessageCreate` in the document, replaced by this type in the generated code).
///
/// It is kept as the JSON that was sent and read by ``MessageIntake``, which lists every field
/// problem at once and accepts the aliases of the replaced services. Generated decoding would
/// stop at the first problem, and one bad item would fail a whole batch instead of only itself.
struct CreateMessageBody: Codable, Hashable, Sendable {
    /// The message as sent: any JSON value, so that a batch item that is not an object is refused
    /// on its own.
    var json: JSONValue

    init(json: JSONValue) {
        self.json = json
    }

    init(from decoder: any Decoder) throws {
        json = try JSONValue(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    /// The message as a JSON object.
    /// - Throws: ``APIError`` 400 for any other JSON value.
    func object() throws -> [String: JSONValue] {
        guard let object = json.objectValue else { throw APIError.invalidJSON("the body must be a JSON object") }
        return object
    }
}
