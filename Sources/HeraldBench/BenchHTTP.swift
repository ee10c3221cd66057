import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The bench's HTTP client: AsyncHTTPClient with a pool as large as the connections asked for
/// (the load it drives), and the few calls the bench makes.
struct BenchHTTP: Sendable {
    let client: HTTPClient

    /// For health checks and reads before the load's own client exists.
    static let shared = BenchHTTP(client: .shared)

    /// A client holding up to `connections` connections to one server.
    static func make(connections: Int) -> BenchHTTP {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(5))
        return BenchHTTP(client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration))
    }

    func get(_ url: String, key: String? = nil) async throws -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        if let key { request.headers.add(name: "authorization", value: "Bearer \(key)") }
        return try await send(request)
    }

    func post(_ url: String, key: String, body: [UInt8]? = nil) async throws -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return try await send(request)
    }

    private func send(_ request: HTTPClientRequest) async throws -> (status: Int, body: [UInt8]) {
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), Array(body.readableBytesView))
    }

    func shutdown() async throws {
        try await client.shutdown()
    }
}
