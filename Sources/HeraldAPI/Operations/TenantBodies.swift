import HeraldCore

/// The body of `POST /api/v1/tenants` (`TenantCreate` in the document, replaced by this type in
/// the generated code): read by ``TenantRequest``, which lists every field problem at once.
struct TenantCreateBody: Decodable, Hashable, Sendable {
    var request: TenantRequest

    init(from decoder: any Decoder) throws {
        request = try TenantRequest(try TenantRequest.object(from: decoder), creating: true)
    }
}

/// The body of `PATCH /api/v1/tenants/{id}` (`TenantUpdate`): read by ``TenantRequest``, which
/// tells an absent `quota` (keep it) from `"quota": null` (remove it) — generated optionals
/// cannot (apple/swift-openapi-generator#419).
struct TenantUpdateBody: Decodable, Hashable, Sendable {
    var request: TenantRequest

    init(from decoder: any Decoder) throws {
        request = try TenantRequest(try TenantRequest.object(from: decoder), creating: false)
    }
}

extension TenantRequest {
    /// The body as a JSON object.
    /// - Throws: ``APIError`` 400 for any other JSON value.
    static func object(from decoder: any Decoder) throws -> [String: JSONValue] {
        guard let object = try JSONValue(from: decoder).objectValue else {
            throw APIError.invalidJSON("the body must be a JSON object")
        }
        return object
    }
}
