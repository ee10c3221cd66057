import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real `herald serve` child process on a free port, with its output captured.
final class HeraldProcess: Sendable {
    let process: Process
    private let output: OutputBuffer
    let port: Int

    /// The `herald` binary next to the test bundle (SwiftPM builds it for this test target),
    /// or `HERALD_BINARY`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["HERALD_BINARY"] { return URL(fileURLWithPath: path) }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("herald")
    }

    /// The key the test servers seal their stored secrets with.
    static let secretKey = "q2xUjY1lVj5o9WcM7tH0b8nE3rKpA6sDfG4hJzLxC1Q="

    /// Starts `herald serve` on port 0 and waits until it reports the port it listens on.
    /// - Parameter database: the SQLite file, or `nil` when the environment names a `HERALD_DATABASE_URL`.
    init(database: String?, environment: [String: String]) async throws {
        (process, output, port) = try await Self.launch(
            ["serve", "--port", "0"] + (database.map { ["--database", $0] } ?? []),
            // The tests' sinks and fake providers listen on loopback, which Herald refuses by
            // default; processes sharing a PostgreSQL database need one secret key.
            environment: ProcessInfo.processInfo.environment.merging([
                "HERALD_ALLOWED_NETWORKS": "127.0.0.0/8", "HERALD_SECRET_KEY": Self.secretKey,
            ]) { $1 }
                .merging(environment) { $1 },
            port: Self.listeningPort(in:)
        )
    }

    /// Starts the `herald` binary with `arguments`, collecting everything it writes, and waits
    /// (up to 60 s) until `port` finds in its output the port it listens on.
    static func launch(
        _ arguments: [String], environment: [String: String]? = nil, port: @escaping (String) -> Int?
    ) async throws -> (Process, OutputBuffer, Int) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = OutputBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        var found: Int?
        while found == nil, ContinuousClock.now < deadline, process.isRunning {
            found = output.text.withLock { port($0) }
            if found == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        guard let found else {
            process.terminate()
            throw ProcessFailure(message: "herald \(arguments.first ?? "") did not start:\n" + output.text.withLock { $0 })
        }
        return (process, output, found)
    }

    var log: String { output.text.withLock { $0 } }

    /// Kills the process at once, as a crash or `kill -9` would.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends SIGTERM and waits for the exit status.
    func terminate() async -> Int32 {
        process.terminate()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    private static func listeningPort(in text: String) -> Int? {
        guard let range = text.range(of: "Server started and listening on ") else { return nil }
        let rest = text[range.upperBound...].prefix { $0 != "\n" }
        return rest.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Collects a child's output as it arrives.
final class OutputBuffer: Sendable {
    let text = Mutex("")
}
