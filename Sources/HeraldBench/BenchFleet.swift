import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The processes the bench starts and stops: `herald serve` (one or more, on one database) and
/// `herald sink`, on free loopback ports, with their output in a temporary folder.
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
                let port = try freePort()
                processes.append(try launch(
                    settings.binary, ["sink", "--port", "\(port)", "--secret", secret, "--log-level", "warning"],
                    environment: [:], log: folder.appendingPathComponent("sink.log")
                ))
                receiver = "http://127.0.0.1:\(port)/hook"
                sinkStats = URL(string: "http://127.0.0.1:\(port)/stats")
                try await waitUntilAnswering(URL(string: "http://127.0.0.1:\(port)/stats")!, process: processes[0])
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
                let port = try freePort()
                let process = try launch(
                    settings.binary, ["serve", "--port", "\(port)"], environment: environment,
                    log: folder.appendingPathComponent("serve-\(index).log")
                )
                processes.append(process)
                let url = URL(string: "http://127.0.0.1:\(port)")!
                try await waitUntilAnswering(url.appendingPathComponent("health"), process: process)
                servers.append(url)
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

    /// Stops every process (SIGTERM, then waits) and removes the folder.
    func stop() {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }
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

    /// Polls `url` until it answers (any status) or the process ends; 30 s at most.
    private static func waitUntilAnswering(_ url: URL, process: Process) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BenchError("\(url.host ?? "a process") exited at start; see its log") }
            if (try? await BenchHTTP.shared.get(url.absoluteString)) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("nothing answered at \(url) within 30 s")
    }

    /// A loopback port nothing listens on now (bound and released: another program could take
    /// it in between, which a bench run can live with).
    static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw BenchError("cannot open a socket") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw BenchError("cannot bind a loopback port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A bench run that cannot go on, with the reason.
public struct BenchError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
