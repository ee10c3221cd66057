import Foundation
import HeraldCore
import Yams

/// The OpenAPI 3.1 document (`openapi.yaml`, compiled into the binary): the description of the
/// API that `/openapi.json`, `/openapi.yaml` and `/docs` serve, and that the route-drift test
/// and schemathesis in CI hold the implementation to.
enum OpenAPIDocument {
    /// The document as written.
    static let yaml: [UInt8] = PackageResources.openapi_yaml

    /// The document as JSON, converted once.
    static let json: JSONValue = {
        let text = String(decoding: yaml, as: UTF8.self)
        // The document is part of the build and checked by tests; a broken one fails them.
        guard let parsed = try? Yams.load(yaml: text), let value = jsonValue(parsed) else { return .object([:]) }
        return value
    }()

    private static func jsonValue(_ node: Any) -> JSONValue? {
        switch node {
        case let value as Bool: return .bool(value)
        case let value as Int: return .integer(Int64(value))
        case let value as Double: return .number(value)
        case let value as String: return .string(value)
        case let values as [Any]:
            var array: [JSONValue] = []
            for item in values {
                guard let converted = jsonValue(item) else { return nil }
                array.append(converted)
            }
            return .array(array)
        case let values as [String: Any]:
            var object: [String: JSONValue] = [:]
            for (key, item) in values {
                guard let converted = jsonValue(item) else { return nil }
                object[key] = converted
            }
            return .object(object)
        case is NSNull: return .null
        default: return nil
        }
    }
}
