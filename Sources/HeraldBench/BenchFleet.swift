import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The processes the bench starts and stops: `herald serve` (one or more, on one database) and
/// `herald sink`, on loopback ports the kernel picks, with their output in a temporary folder.
final class BenchFleet: Sendable {
    let serverURLs: [URL]
    let receiverURL: String
    /// The sink's `/stats`, when the bench started the sink.
    let sinkStatsURL: URL?
    let serverPIDs: [Int32]
    private let processes: [Process]
    let folder: URL

    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    private init(serverURLs: [URL], receiverURL: String, sinkStatsURL: URL?, serverPIDs: [Int32], processes: [Process], folder: URL) {
        self.serverURLs = serverURLs
        self.receiverURL = receiverURL
        self.sinkStatsURL = sinkStatsURL
        self.serverPIDs = serverPIDs
        self.processes = processes
        self.folder = folder
    }

    /// Starts a sink (unless `settings.receiverURL` is given) and `settings.processes` servers,
    /// and waits until each answers `/health`. Servers start paused (the bench resumes them).
    static func start(_ settings: BenchSettings) async throws -> BenchFleet {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var processes: [Process] = []
        do {
            var receiver = settings.receiverURL
            var sinkStats: URL?
            if receiver == nil {
                let log = folder.appendingPathComponent("sink.log")
                processes.append(try launch(
                    settings.binary, ["sink", "--port", "0", "--secret", secret, "--log-level", "warning"], environment: [:], log: log
                ))
                let base = try await listeningURL(log, process: processes[0])
                receiver = base + "/hook"
                sinkStats = URL(string: base + "/stats")
            }
            let database = settings.database ?? folder.appendingPathComponent("bench.sqlite").path
            let isPostgres = database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
            var environment = [
                "HERALD_API_KEY": settings.apiKey, "HERALD_ADMIN_KEY": settings.adminKey,
                "HERALD_WEBHOOK_SECRET": secret, "HERALD_WEBHOOK_URL": receiver!,
                "HERALD_ALLOWED_NETWORKS": "127.0.0.0/8", "HERALD_LOG_LEVEL": "warning",
                "HERALD_DISPATCHER_PAUSED": "true", "HERALD_DATABASE_DURABILITY": settings.durability,
            ]
            if isPostgres {
                environment["HERALD_DATABASE_URL"] = database
                if ProcessInfo.processInfo.environment["HERALD_SECRET_KEY"] == nil {
                    environment["HERALD_SECRET_KEY"] = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
                }
            } else {
                environment["HERALD_DATABASE"] = database
            }
            var servers: [URL] = []
            var pids: [Int32] = []
            for index in 0..<settings.processes {
                let log = folder.appendingPathComponent("serve-\(index).log")
                let process = try launch(settings.binary, ["serve", "--host", "127.0.0.1", "--port", "0"], environment: environment, log: log)
                processes.append(process)
                servers.append(URL(string: try await listeningURL(log, process: process))!)
                pids.append(process.processIdentifier)
            }
            return BenchFleet(
                serverURLs: servers, receiverURL: receiver!, sinkStatsURL: sinkStats, serverPIDs: pids, processes: processes, folder: folder
            )
        } catch {
            for process in processes where process.isRunning { process.terminate() }
            throw error
        }
    }

    /// Stops every process (SIGTERM, then waits without blocking a concurrency thread; 30 s at
    /// most, then SIGKILL) and removes the folder.
    func stop() async {
        for process in processes where process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(30)
        while processes.contains(where: \.isRunning), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: folder)
    }

    private static func launch(_ binary: String, _ arguments: [String], environment: [String: String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return process
    }

    /// Waits (30 s at most) for the `… listening on http://host:port` line a `herald serve` or
    /// `herald sink` started with `--port 0` writes at once, and returns that base URL: the
    /// kernel chose the port, so no other program can be handed it in between.
    private static func listeningURL(_ log: URL, process: Process) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on http://") {
                let address = text[range.upperBound...].prefix { !$0.isWhitespace }
                return "http://" + address
            }
            guard process.isRunning else { throw BenchError("a process the bench started exited: \(text.suffix(500))") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("a process the bench started did not report its port within 30 s; see \(log.path)")
    }
}

/// A bench run that cannot go on, with the reason.
public struct BenchError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
