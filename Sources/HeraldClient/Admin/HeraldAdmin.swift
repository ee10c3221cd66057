public import AsyncHTTPClient
public import Foundation
public import HeraldCore
import OpenAPIRuntime

/// The admin key's tasks — tenants, their keys, their sender profiles — over the same generated
/// client as ``Herald``. Answers are Herald's JSON as it came (`JSONValue`), for tools such as
/// `herald tenants` that show them; errors are ``HeraldClientError``s.
public struct HeraldAdmin: Sendable {
    private let herald: Herald

    public init(serverURL: URL, adminKey: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(60)) {
        herald = Herald(serverURL: serverURL, apiKey: adminKey, httpClient: httpClient, timeout: timeout)
    }

    private var client: Client { herald.client }

    // MARK: Tenants

    public func tenants() async throws(HeraldClientError) -> [JSONValue] {
        try await herald.call {
            switch try await client.listTenants() {
            case .ok(let answer): try Self.json(answer.body.json.tenants).arrayValue ?? []
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    public func tenant(id: String) async throws(HeraldClientError) -> JSONValue {
        try await herald.call {
            switch try await client.getTenant(.init(path: .init(tenant: id))) {
            case .ok(let answer): try Self.json(answer.body.json)
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    /// Creates a tenant from a `TenantCreate` body (`id` optional: made when absent).
    public func createTenant(_ body: [String: JSONValue]) async throws(HeraldClientError) -> JSONValue {
        try await herald.call {
            switch try await client.createTenant(.init(body: .json(try Self.decode(.object(body))))) {
            case .created(let answer): try Self.json(answer.body.json)
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    /// Disables (its keys get 401) or enables a tenant.
    public func setDisabled(_ disabled: Bool, tenant id: String) async throws(HeraldClientError) -> JSONValue {
        try await herald.call {
            if disabled {
                switch try await client.disableTenant(.init(path: .init(tenant: id))) {
                case .ok(let answer): return try Self.json(answer.body.json)
                case let other: throw Herald.unexpected(other)
                }
            }
            switch try await client.enableTenant(.init(path: .init(tenant: id))) {
            case .ok(let answer): return try Self.json(answer.body.json)
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    // MARK: Keys

    public func keys(tenant: String) async throws(HeraldClientError) -> [JSONValue] {
        try await herald.call {
            switch try await client.listKeys(.init(path: .init(tenant: tenant))) {
            case .ok(let answer): try Self.json(answer.body.json.keys).arrayValue ?? []
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    /// A new key; its secret (`key`) is in this answer only.
    public func createKey(tenant: String, name: String?) async throws(HeraldClientError) -> JSONValue {
        try await herald.call {
            switch try await client.createKey(.init(path: .init(tenant: tenant), body: .json(.init(name: name)))) {
            case .created(let answer): try Self.json(answer.body.json)
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    public func revokeKey(tenant: String, key: String) async throws(HeraldClientError) -> JSONValue {
        try await herald.call {
            switch try await client.revokeKey(.init(path: .init(tenant: tenant, key: key))) {
            case .ok(let answer): try Self.json(answer.body.json)
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    // MARK: Profiles

    public func profiles(tenant: String) async throws(HeraldClientError) -> [JSONValue] {
        try await herald.call {
            switch try await client.listProfiles(.init(path: .init(tenant: tenant))) {
            case .ok(let answer): try Self.json(answer.body.json.profiles).arrayValue ?? []
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    public func profile(tenant: String, name: String) async throws(HeraldClientError) -> JSONValue {
        try await herald.call {
            switch try await client.getProfile(.init(path: .init(tenant: tenant, profile: name))) {
            case .ok(let answer): try Self.json(answer.body.json)
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    /// Creates a profile from a `ProfileCreate` body (`name`, `channel`, `config`, …).
    public func createProfile(tenant: String, _ body: [String: JSONValue]) async throws(HeraldClientError) -> JSONValue {
        try await herald.call {
            switch try await client.createProfile(.init(path: .init(tenant: tenant), body: .json(try Self.decode(.object(body))))) {
            case .created(let answer): try Self.json(answer.body.json)
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    public func deleteProfile(tenant: String, name: String) async throws(HeraldClientError) {
        try await herald.call {
            switch try await client.deleteProfile(.init(path: .init(tenant: tenant, profile: name))) {
            case .noContent: return
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    /// Asks the provider whether the profile's credentials work.
    public func checkProfile(tenant: String, name: String) async throws(HeraldClientError) -> JSONValue {
        try await herald.call {
            switch try await client.checkProfile(.init(path: .init(tenant: tenant, profile: name))) {
            case .ok(let answer): try Self.json(answer.body.json)
            case let other: throw Herald.unexpected(other)
            }
        }
    }

    // MARK: JSON

    /// A generated value as JSON (times as RFC 3339 text).
    static func json(_ value: some Encodable) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return JSONValue.decode(try encoder.encode(value)) ?? .null
    }

    /// A generated request body from JSON, checked by its schema's types.
    static func decode<T: Decodable>(_ json: JSONValue) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(JSONWriter.bytes(json)))
        } catch {
            throw HeraldClientError.validation([FieldProblem(field: "", code: "invalid", problem: "the body does not fit the API document: \(error)")])
        }
    }
}
