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
    /// Connects to `port`, sends `text`, and reads until the server closes the connection.
    /// - Returns: how long that took, or `nil` when it stayed open past `limit`.
    static func sendAndWaitForClose(_ text: String, port: Int, limit: TimeInterval) async -> TimeInterval? {
        await withCheckedContinuation { continuation in
            // Blocking socket calls: on a thread of their own, not the concurrency pool's.
            Thread.detachNewThread {
                let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(descriptor) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                var timeout = timeval(tv_sec: Int(limit), tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard connected == 0 else { return continuation.resume(returning: nil) }
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
