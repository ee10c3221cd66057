/// A nullable response field that is written as `null` when empty, rather than left out.
///
/// Code generated from `openapi.yaml` leaves a nil optional out of the JSON it writes
/// (apple/swift-openapi-generator#419), but clients of the services Herald replaces read fields
/// such as `failure_reason` or `sent_at` and expect `null` there. The document's nullable schemas
/// (`NullableString`, `NullableTime`) are replaced by this type (`typeOverrides` in
/// `Tools/openapi/openapi-generator-config.yaml`); handlers always set it, so it is always written.
struct ExplicitNull<Wrapped: Codable & Hashable & Sendable>: Codable, Hashable, Sendable {
    var value: Wrapped?

    init(_ value: Wrapped?) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = container.decodeNil() ? nil : try container.decode(Wrapped.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
