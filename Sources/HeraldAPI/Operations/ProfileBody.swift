import HeraldCore

/// The body of `POST …/profiles` and `PATCH …/profiles/{profile}` (`ProfileCreate` and
/// `ProfileUpdate` in the document, replaced by this type in the generated code): kept as the
/// JSON object it is and read by ``ProfileRequest``, which needs the channel to check `config`.
struct ProfileBody: Codable, Hashable, Sendable {
    var object: [String: JSONValue]

    init(from decoder: any Decoder) throws {
        guard let object = try JSONValue(from: decoder).objectValue else {
            throw APIError.invalidJSON("the body must be a JSON object")
        }
        self.object = object
    }

    func encode(to encoder: any Encoder) throws {
        try JSONValue.object(object).encode(to: encoder)
    }
}
