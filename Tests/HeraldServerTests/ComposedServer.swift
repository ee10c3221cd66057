import Foundation
import HTTPTypes
import HeraldCore
import HeraldServer
import HeraldStore
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The whole server (``HeraldServerBuilder``) on a deployable driver — a SQLite file or a
/// PostgreSQL schema of its own — live on loopback, with helpers to make tenants and keys and
/// to send and read messages through the public API.
struct ComposedServer {
    /// The drivers a deployment can run on: SQLite, and PostgreSQL when the fixture is enabled.
    enum Driver: String, CaseIterable, Sendable {
        case sqlite
        case postgres

        static var available: [Driver] { PostgresFixture.isEnabled ? [.sqlite, .postgres] : [.sqlite] }
    }

    static let adminKey = "composed-admin-key"
    static let key = "composed-default-key"
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let logger = Logger(label: "composed-server", factory: { _ in SwiftLogNoOpLogHandler() })

    let client: any TestClientProtocol

    /// Runs `body` with a live server on `driver`, configured by `configure` after the test
    /// defaults (keys, loopback allowed, a fast poll).
    static func run(
        _ driver: Driver,
        configure: (inout HeraldConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (ComposedServer) async throws -> Void
    ) async throws {
        var configuration = HeraldConfiguration()
        configuration.app.port = 0
        configuration.app.apiKey = key
        configuration.app.adminKey = adminKey
        configuration.webhook.secret = secret
        configuration.outbound = APITestHarness.loopbackPolicy
        configuration.database.secretKey = SecretBox.generateKey()
        configuration.dispatcher.pollInterval = .milliseconds(100)
        // The test client keeps one connection: not closed as idle while a test waits.
        configuration.app.readTimeout = .seconds(600)
        switch driver {
        case .sqlite:
            configuration.database.path = try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path
        case .postgres:
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            configuration.database.url = try await PostgresFixture.serverURL() + "&schema=\(schema)"
        }
        configure(&configuration)
        try await HeraldServerBuilder(configuration: configuration, logger: logger, announce: { _ in }).withApplication { app in
            try await app.test(.live) { client in try await body(ComposedServer(client: client)) }
        }
    }

    /// Calls the API; the body decoded as JSON (or `.null`).
    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, key: String? = Self.key, json: String? = nil) async throws -> (HTTPResponse.Status, JSONValue) {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let bytes = Array(response.body.readableBytesView)
        return (response.status, bytes.isEmpty ? .null : (JSONValue.decode(bytes) ?? .string(String(decoding: bytes, as: UTF8.self))))
    }

    /// Makes a tenant and a key for it.
    /// - Returns: the key, and the tenant's creation answer.
    func makeTenant(_ id: String, extra: String = "") async throws -> (key: String, tenant: JSONValue) {
        let (created, tenant) = try await call(.post, "/api/v1/tenants", key: Self.adminKey, json: #"{"id": "\#(id)"\#(extra)}"#)
        try #require(created == .created, "\(tenant)")
        let (made, key) = try await call(.post, "/api/v1/tenants/\(id)/keys", key: Self.adminKey)
        try #require(made == .created, "\(key)")
        return (try #require(key["key"]?.stringValue), tenant)
    }

    /// The status of a message, read with `key`.
    func message(_ id: String, key: String) async throws -> JSONValue {
        try await call(.get, "/api/v1/messages/\(id)", key: key).1
    }

    /// Its delivery log.
    func attempts(_ id: String, key: String) async throws -> [JSONValue] {
        try await call(.get, "/api/v1/messages/\(id)/attempts", key: key).1["attempts"]?.arrayValue ?? []
    }
}
