import Foundation
import HeraldCore
import HeraldTestSupport
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A request whose body stops arriving (or trickles in) does not hold a connection forever:
/// after `app.read_timeout` of silence the server closes it, and nothing is stored.
struct SlowBodyProcessTests {
    /// A blocking socket connected to `port` on loopback, its reads giving up after `limit`;
    /// `nil` when it cannot connect.
    static func connected(port: Int, limit: TimeInterval) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: Int(limit), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// Connects to `port`, sends `text`, and reads until the server closes the connection.
    /// - Returns: how long that took, or `nil` when it stayed open past `limit`.
    static func sendAndWaitForClose(_ text: String, port: Int, limit: TimeInterval) async -> TimeInterval? {
        await withCheckedContinuation { continuation in
            // Blocking socket calls: on a thread of their own, not the concurrency pool's.
            Thread.detachNewThread {
                guard let descriptor = connected(port: port, limit: limit) else { return continuation.resume(returning: nil) }
                defer { close(descriptor) }
                let started = Date()
                _ = text.withCString { send(descriptor, $0, strlen($0), 0) }
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = recv(descriptor, &buffer, buffer.count, 0)
                    if count == 0 { return continuation.resume(returning: Date().timeIntervalSince(started)) }
                    if count < 0 { return continuation.resume(returning: nil) }  // timed out: still open
                }
            }
        }
    }

    /// Connects to `port`, sends `text`, and reads what comes back until the server closes the
    /// connection or `limit` passes.
    /// - Returns: what was read, and how long until the first bytes came.
    static func sendAndRead(_ text: String, port: Int, limit: TimeInterval) async -> (answer: String, after: TimeInterval?) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                guard let descriptor = connected(port: port, limit: limit) else { return continuation.resume(returning: ("", nil)) }
                defer { close(descriptor) }
                let started = Date()
                let bytes = Array(text.utf8)
                _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var answer: [UInt8] = []
                var firstAfter: TimeInterval?
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = recv(descriptor, &buffer, buffer.count, 0)
                    guard count > 0 else { break }
                    if firstAfter == nil { firstAfter = Date().timeIntervalSince(started) }
                    answer += buffer[0..<count]
                    if Self.isWholeResponse(answer) { break }
                }
                continuation.resume(returning: (String(decoding: answer, as: UTF8.self), firstAfter))
            }
        }
    }

    /// Whether `bytes` hold a response's head and as much body as its `Content-Length` says.
    static func isWholeResponse(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return false }
        return text[end.upperBound...].utf8.count >= length
    }

    @Test(.timeLimit(.minutes(1)))
    func aBodyDeclaredOverTheLimitIsRefusedBeforeItIsRead() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path
        let server = try await HeraldProcess(database: database, environment: [
            "HERALD_API_KEY": CrashRecoveryTests.key, "HERALD_DISPATCHER_PAUSED": "true",
        ])
        let chunk = String(repeating: "x", count: 64 << 10)
        for path in ["/api/v1/messages", "/api/v1/messages/batch", "/api/v1/messages/send", "/api/v1/callbacks/twilio"] {
            // 2 GB declared, 64 KiB sent, then silence.
            let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(CrashRecoveryTests.key)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n"
            let (answer, after) = await Self.sendAndRead(head + chunk, port: server.port, limit: 5)
            let seconds = try #require(after, "\(path): no answer within 5 s")
            #expect(seconds < 5)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(path): \(answer.prefix(200))")
            #expect(answer.contains(#""error":"body_too_large""#) || answer.contains(#""error": "body_too_large""#), "\(path): \(answer)")
            #expect(answer.contains("2147483648"), "the message names what was declared: \(answer)")
        }
        // A body under the limit with a truthful length is served as before.
        let body = #"{"channel": "webhook", "url": "https://hooks.example.com/x", "content": "hi"}"#
        let head = "POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(CrashRecoveryTests.key)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        let (answer, _) = await Self.sendAndRead(head + body, port: server.port, limit: 5)
        #expect(answer.hasPrefix("HTTP/1.1 202"), "\(answer.prefix(300))")
        #expect(await server.terminate() == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aStalledBodyIsCutOffAfterTheReadTimeout() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path
        let server = try await HeraldProcess(database: database, environment: [
            "HERALD_API_KEY": CrashRecoveryTests.key, "HERALD_APP_READ_TIMEOUT": "1s", "HERALD_DISPATCHER_PAUSED": "true",
        ])
        let head = "POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(CrashRecoveryTests.key)\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"channel\": \"webh"
        let closedAfter = await Self.sendAndWaitForClose(head, port: server.port, limit: 10)
        let seconds = try #require(closedAfter, "the connection stayed open")
        #expect(seconds >= 0.9 && seconds < 5, "closed after \(seconds) s")
        // Nothing was stored, and the server still answers.
        let (status, list) = try await ProviderChannelsProcessTests.call(.GET, "/api/v1/messages", port: server.port, key: CrashRecoveryTests.key)
        #expect(status == .ok)
        #expect(list["messages"]?.arrayValue?.isEmpty == true, "\(list)")
        #expect(await server.terminate() == 0)
    }
}
