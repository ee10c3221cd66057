import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldTestSupport
import NIOCore
import NIOHTTP1
import Testing

/// One idempotency key used by 50 requests at once, on the real binary: one message is stored;
/// the same body gets the original (200), a different body a conflict (409), never a second
/// message or a 500.
struct ConcurrentIdempotencyProcessTests {
    static let key = "idempotency-process-key"

    static func post(_ body: String, idempotencyKey: String, port: Int) async throws -> (Int, JSONValue) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/messages")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(Self.key)")
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "idempotency-key", value: idempotencyKey)
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let answer = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), JSONValue.decode(Array(answer.readableBytesView)) ?? .null)
    }

    @Test(.timeLimit(.minutes(2)))
    func fiftyRequestsWithOneKeyStoreOneMessage() async throws {
        let server = try await HeraldProcess(database: try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path, environment: [
            "HERALD_API_KEY": Self.key, "HERALD_DISPATCHER_PAUSED": "true",
        ])
        let port = server.port
        let same = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for _ in 0..<50 {
                group.addTask { try await Self.post(#"{"url": "https://example.test/hook", "content": "once"}"#, idempotencyKey: "order-1", port: port) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(same.filter { $0.0 == 202 }.count == 1, "\(same.map(\.0))")
        #expect(same.filter { $0.0 == 200 }.count == 49)
        #expect(Set(same.compactMap { $0.1["id"]?.stringValue }).count == 1)

        let different = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for index in 0..<50 {
                group.addTask { try await Self.post(#"{"url": "https://example.test/hook", "content": "body \#(index)"}"#, idempotencyKey: "order-2", port: port) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(different.filter { $0.0 == 202 }.count == 1, "\(different.map(\.0))")
        #expect(different.filter { $0.0 == 409 }.count == 49)
        #expect(different.filter { $0.0 == 409 }.allSatisfy { $0.1["error"] == .string("idempotency_conflict") })

        let (_, list) = try await ProviderChannelsProcessTests.call(.GET, "/api/v1/messages?limit=1000", port: port, key: Self.key)
        #expect(list["messages"]?.arrayValue?.count == 2)
        #expect(await server.terminate() == 0)
    }

    /// The same across two processes sharing PostgreSQL: the race is between processes now.
    @Test(.timeLimit(.minutes(2)), .enabled(if: PostgresFixture.isEnabled))
    func fiftyRequestsWithOneKeyAcrossTwoProcessesStoreOneMessage() async throws {
        let schema = "idem_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let serverURL = try await PostgresFixture.serverURL()
        let environment = [
            "HERALD_DATABASE_URL": serverURL + (serverURL.contains("?") ? "&" : "?") + "schema=\(schema)",
            "HERALD_API_KEY": Self.key, "HERALD_DISPATCHER_PAUSED": "true",
        ]
        async let first = HeraldProcess(database: nil, environment: environment)
        async let second = HeraldProcess(database: nil, environment: environment)
        let processes = try await [first, second]
        let ports = processes.map(\.port)
        let answers = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for index in 0..<50 {
                group.addTask { try await Self.post(#"{"url": "https://example.test/hook", "content": "once"}"#, idempotencyKey: "order-1", port: ports[index % 2]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.filter { $0.0 == 202 }.count == 1, "\(answers.map(\.0))")
        #expect(answers.filter { $0.0 == 200 }.count == 49)
        #expect(Set(answers.compactMap { $0.1["id"]?.stringValue }).count == 1)
        for process in processes { #expect(await process.terminate() == 0) }
    }
}
