import AsyncHTTPClient
import Foundation
import HTTPTypes
import HeraldAPI
import HeraldChannels
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// The API over the in-memory store, driven through Hummingbird's router test client.
struct APITestHarness {
    static let key = "test-key-default"
    let store = InMemoryStore()
    let clock = ManualClock()
    var limits = APILimits(maxBodyBytes: 4096)

    func dependencies() throws -> APIDependencies {
        let webhook = try WebhookChannel(client: .shared, configuration: .init(defaults: .init(secret: WebhookSigner.generateSecret())))
        return APIDependencies(
            store: store, channels: ChannelRegistry([webhook]),
            authenticator: APIKeyAuthenticator(configuredKey: Self.key, store: store),
            clock: clock, limits: limits, version: "9.9.9", environment: "test",
            logger: Logger(label: "api-test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    /// Runs `body` with a client for the router.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(try dependencies()))
        try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    /// Sends a JSON body with the default tenant's key (or `key`), returning status and decoded JSON.
    func call(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: String? = nil,
        key: String? = APITestHarness.key,
        headers extra: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields) {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let data = Data(response.body.readableBytesView)
        let body = data.isEmpty ? JSONValue.null : (JSONValue.decode(data) ?? .string(String(decoding: data, as: UTF8.self)))
        return (response.status, body, response.headers)
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
