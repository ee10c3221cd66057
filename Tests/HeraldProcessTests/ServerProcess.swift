import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldTestSupport
import NIOCore
import NIOHTTP1

/// A real `herald serve` process on a deployable driver — a SQLite file, or a PostgreSQL schema
/// of its own — with helpers to make tenants and keys and to send and read messages through the
/// public API. Heavy scenarios run Herald in a process of its own, so their load never starves
/// the other tests running beside them in the test process.
struct ServerProcess {
    enum Driver: String, CaseIterable, Sendable {
        case sqlite
        case postgres

        static var available: [Driver] { PostgresFixture.isEnabled ? [.sqlite, .postgres] : [.sqlite] }
    }

    static let adminKey = "process-admin-key"
    static let key = "process-default-key"
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    let server: HeraldProcess

    /// Runs `body` with a `herald serve` on `driver`, its environment the test defaults (keys,
    /// loopback allowed, a fast poll) and `environment`; stops it afterwards.
    static func run(_ driver: Driver, environment: [String: String] = [:], _ body: (ServerProcess) async throws -> Void) async throws {
        var settings = [
            "HERALD_API_KEY": key, "HERALD_ADMIN_KEY": adminKey, "HERALD_WEBHOOK_SECRET": secret,
            "HERALD_DISPATCHER_POLL_INTERVAL": "100ms",
        ]
        var database: String?
        switch driver {
        case .sqlite:
            database = try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path
        case .postgres:
            let schema = "p_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let url = try await PostgresFixture.serverURL()
            settings["HERALD_DATABASE_URL"] = url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
        let server = try await HeraldProcess(database: database, environment: settings.merging(environment) { $1 })
        do {
            try await body(ServerProcess(server: server))
        } catch {
            _ = await server.terminate()
            throw error
        }
        _ = await server.terminate()
    }

    /// Calls the API; the body decoded as JSON (or `.null`).
    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, key: String? = Self.key, json: String? = nil) async throws -> (HTTPResponseStatus, JSONValue) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)\(path)")
        request.method = method
        if let key { request.headers.add(name: "authorization", value: "Bearer \(key)") }
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: 64 << 20)
        return (response.status, JSONValue.decode(Data(data.readableBytesView)) ?? .null)
    }

    /// Makes a tenant and a key for it.
    /// - Returns: the key, and the tenant's creation answer.
    func makeTenant(_ id: String) async throws -> (key: String, tenant: JSONValue) {
        let (created, tenant) = try await call(.POST, "/api/v1/tenants", key: Self.adminKey, json: #"{"id": "\#(id)"}"#)
        guard created == .created else { throw ProcessFailure(message: "tenant \(id) not created: \(created) \(tenant)") }
        let (made, key) = try await call(.POST, "/api/v1/tenants/\(id)/keys", key: Self.adminKey)
        guard made == .created, let secret = key["key"]?.stringValue else { throw ProcessFailure(message: "no key for \(id): \(key)") }
        return (secret, tenant)
    }

    func message(_ id: String, key: String) async throws -> JSONValue {
        try await call(.GET, "/api/v1/messages/\(id)", key: key).1
    }

    func attempts(_ id: String, key: String) async throws -> [JSONValue] {
        try await call(.GET, "/api/v1/messages/\(id)/attempts", key: key).1["attempts"]?.arrayValue ?? []
    }
}
