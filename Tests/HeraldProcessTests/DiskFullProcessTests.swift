import Foundation
import HeraldCore
import HeraldTestSupport
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The disk holding the SQLite file fills up (a 3 MiB tmpfs, mounted for the test — it needs
/// root, as CI runs): ingest answers 503 with `Retry-After`, never a 202 for what was not
/// stored, and never crashes; once space is freed it accepts again, every message it accepted
/// is there, and `PRAGMA integrity_check` says `ok`.
struct DiskFullProcessTests {
    static let canMount = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount")

    /// Runs a program to its end, on a thread of its own.
    static func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await offThePool { try runHere(program, arguments) }
    }

    static func runHere(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: canMount), .timeLimit(.minutes(2)))
    func aFullDiskAnswers503AndRecovers() async throws {
        let folder = try TemporaryDirectory.make()
        let mounted = try await Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", folder.path])
        try #require(mounted.status == 0, "\(mounted.output)")
        defer { _ = try? Self.runHere("/bin/umount", ["-l", folder.path]) }
        // A megabyte set aside, to free once the disk is full.
        let filler = folder.appendingPathComponent("filler")
        try Data(count: 1 << 20).write(to: filler)
        let database = folder.appendingPathComponent("herald.sqlite").path
        let server = try await HeraldProcess(database: database, environment: [
            "HERALD_API_KEY": CrashRecoveryTests.key, "HERALD_DISPATCHER_PAUSED": "true", "HERALD_WEBHOOK_URL": "https://hooks.example.com/in",
        ])
        let content = String(repeating: "x", count: 20_000)
        func post() async throws -> (HTTPResponseStatus, JSONValue) {
            try await ProviderChannelsProcessTests.call(
                .POST, "/api/v1/messages", port: server.port, key: CrashRecoveryTests.key, body: #"{"content": "\#(content)"}"#
            )
        }
        var accepted: [String] = []
        var full: JSONValue?
        for _ in 0..<400 where full == nil {
            let (status, body) = try await post()
            switch status {
            case .accepted: accepted.append(try #require(body["id"]?.stringValue))
            case .serviceUnavailable: full = body
            default: Issue.record("unexpected \(status): \(body)")
            }
        }
        let refusal = try #require(full, "the disk never filled")
        #expect(refusal["error"] == .string("store_unavailable"), "\(refusal)")
        #expect(server.process.isRunning, "a full disk must not crash the server")
        // Still full: still 503, still running.
        #expect(try await post().0 == .serviceUnavailable)

        try FileManager.default.removeItem(at: filler)
        let recovered = try await eventually(timeout: .seconds(20), every: .milliseconds(200)) {
            let (status, body) = try await post()
            if status == .accepted, let id = body["id"]?.stringValue { accepted.append(id) }
            return status == .accepted
        }
        #expect(recovered)
        for id in accepted {
            let (status, _) = try await ProviderChannelsProcessTests.call(.GET, "/api/v1/messages/\(id)", port: server.port, key: CrashRecoveryTests.key)
            #expect(status == .ok, "accepted \(id) is missing")
        }
        print("disk full: \(accepted.count) accepted around a full disk, all stored")
        #expect(await server.terminate() == 0)
        let check = try await Self.run("/usr/bin/sqlite3", [database, "PRAGMA integrity_check"])
        #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "\(check.output)")
    }
}
