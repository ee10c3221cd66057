import HeraldCore

/// Reads a JSON request body already in memory with Herald's parser: for the routes with their own
/// conversion (``JSONRequestBody``), and to say precisely why the generated decoding refused a
/// body — 400 for an empty body, for malformed JSON (saying where it broke) or for a body that is
/// not an object.
enum RequestDecoding {
    /// A JSON object from a body already read.
    /// - Throws: ``APIError`` 400 saying where the JSON broke, or that it is not an object.
    static func jsonObject(from bytes: some Collection<UInt8>) throws -> [String: JSONValue] {
        guard let object = try json(from: bytes).objectValue else { throw APIError.invalidJSON("the body must be a JSON object") }
        return object
    }

    /// Any JSON value from a body already read.
    /// - Throws: ``APIError`` 400 for an empty body or one that is not JSON, saying where it broke.
    static func json(from bytes: some Collection<UInt8>) throws -> JSONValue {
        guard !bytes.isEmpty else { throw APIError.invalidJSON("the request body is empty; send a JSON object") }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw APIError.invalidJSON("the body is not valid JSON: \(error.description)")
        }
    }
}
