public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// How a ``BatchEmitter`` posts a batch: one small protocol, so tests can plug in a
/// deterministic flaky one and applications their own HTTP stack.
public protocol EmitterTransport: Sendable {
    /// Posts `body` (JSON) to `url` with `headers`, and returns the answer.
    /// - Throws: when no answer came (connection refused, reset, timed out).
    func post(url: URL, headers: [String: String], body: [UInt8]) async throws -> EmitterResponse
}

/// An answer to a posted batch.
public struct EmitterResponse: Sendable, Hashable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }
}

/// The default transport: AsyncHTTPClient, one shared connection pool.
public struct HTTPClientEmitterTransport: EmitterTransport {
    private let client: HTTPClient
    private let timeout: Duration
    /// The most of an answer read (batch answers carry one result per message).
    private let answerLimit: Int

    public init(client: HTTPClient = .shared, timeout: Duration = .seconds(30), answerLimit: Int = 32 << 20) {
        self.client = client
        self.timeout = timeout
        self.answerLimit = answerLimit
    }

    public func post(url: URL, headers: [String: String], body: [UInt8]) async throws -> EmitterResponse {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .init(timeout))
        let answer = try await response.body.collect(upTo: answerLimit)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return EmitterResponse(status: Int(response.status.code), headers: fields, body: Array(answer.readableBytesView))
    }
}
