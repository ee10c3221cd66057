import Foundation
import Synchronization

/// A real, throw-away PostgreSQL for tests: `HERALD_TEST_POSTGRES_URL` when set, otherwise a
/// cluster this process creates (`initdb`, `pg_ctl`) in a temporary folder on a free port, started
/// once on first use and removed when the process exits. As root (CI) the server runs as the
/// `postgres` user through `runuser`, which owns the folder.
///
/// Without PostgreSQL the PostgreSQL tests are left out with a message on standard error, unless
/// `HERALD_REQUIRE_POSTGRES=1`: then they are kept and fail.
public enum PostgresFixture {
    /// Whether PostgreSQL tests should run: a URL is given, the binaries exist, or they are required.
    public static let isEnabled: Bool = {
        let environment = ProcessInfo.processInfo.environment
        if environment["HERALD_TEST_POSTGRES_URL"] != nil || environment["HERALD_REQUIRE_POSTGRES"] == "1" { return true }
        if PostgresBinaries.find() != nil { return true }
        FileHandle.standardError.write(Data((
            "note: PostgreSQL tests skipped: no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin "
                + "and HERALD_TEST_POSTGRES_URL is not set (HERALD_REQUIRE_POSTGRES=1 makes this a failure)\n"
        ).utf8))
        return false
    }()

    /// Whether tests may start clusters of their own (to stop and restart them): the binaries
    /// exist, or PostgreSQL is required (and a missing binary is then a failure).
    public static let canStartClusters: Bool =
        PostgresBinaries.find() != nil || ProcessInfo.processInfo.environment["HERALD_REQUIRE_POSTGRES"] == "1"

    /// The URL of the running server with a fresh schema of its own, named from `prefix`, for a
    /// test's processes to share; starts the server on first call.
    public static func databaseURL(schemaPrefix prefix: String) async throws -> String {
        let schema = prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let url = try await serverURL()
        return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
    }

    /// The URL of the running server (without a schema); starts it on first call.
    /// - Throws: when no server can be started.
    public static func serverURL() async throws -> String {
        if let url = ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES_URL"] { return url }
        return try await SharedCluster.shared.cluster().url
    }
}

/// The `initdb` and `pg_ctl` programs.
struct PostgresBinaries {
    var initdb: String
    var pgCtl: String

    static func find() -> PostgresBinaries? {
        let fileManager = FileManager.default
        var folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let versions = (try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        folders += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        for folder in folders {
            let initdb = folder + "/initdb", pgCtl = folder + "/pg_ctl"
            if fileManager.isExecutableFile(atPath: initdb), fileManager.isExecutableFile(atPath: pgCtl) {
                return PostgresBinaries(initdb: initdb, pgCtl: pgCtl)
            }
        }
        return nil
    }
}

/// The cluster the PostgreSQL tests share, started on first use.
private actor SharedCluster {
    static let shared = SharedCluster()

    /// One start for every caller: callers that come while it starts wait for the same one.
    private var starting: Task<PostgresCluster, any Error>?

    func cluster() async throws -> PostgresCluster {
        if let starting { return try await starting.value }
        let start = Task { try await PostgresCluster.started() }
        starting = start
        return try await start.value
    }
}

/// A PostgreSQL cluster of its own in a temporary folder, on a free port, deleted when the test
/// process exits. Tests that take the database away (``stop(immediately:)``, ``restart()``) make
/// their own rather than disturb the shared one.
///
/// Starting and stopping wait for programs and poll files: they run on a thread of their own
/// (``offThePool(_:)``), never on the two threads Swift concurrency has here, which every other
/// test running meanwhile needs.
public final class PostgresCluster: Sendable {
    /// Creates and starts a cluster.
    /// - Throws: when the binaries are missing or the server does not start.
    public static func started() async throws -> PostgresCluster {
        try await offThePool { try PostgresCluster() }
    }

    /// Stops the server: a fast shutdown (clients disconnected, as in a restart), or immediately
    /// (as in a crash). Returns once it is gone.
    public func stop(immediately: Bool = false) async {
        await offThePool { Self.signal(data: self.data, immediately ? SIGQUIT : SIGINT) }
    }

    /// Starts the stopped server again on the same port.
    public func restart() async throws {
        try await offThePool { try self.startAgain() }
    }

    /// `postgres://herald@127.0.0.1:PORT/postgres?sslmode=disable`: trust authentication.
    public let url: String
    private let pgCtl: String
    private let data: String
    private let log: String
    private let options: String
    private let asRoot: Bool

    private init() throws {
        guard let binaries = PostgresBinaries.find() else {
            throw FixtureError("PostgreSQL is required (HERALD_REQUIRE_POSTGRES=1) but initdb/pg_ctl were not found")
        }
        let folder = try TemporaryDirectory.make().appendingPathComponent("postgres")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = folder.appendingPathComponent("data").path
        let asRoot = getuid() == 0
        if asRoot { try Self.run("/bin/chown", ["-R", "postgres:postgres", folder.path]) }
        try Self.run(
            binaries.initdb, ["-D", data, "-U", "herald", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
            asPostgres: asRoot
        )
        ClusterCleanup.register(data: data, folder: folder.deletingLastPathComponent().path)
        self.pgCtl = binaries.pgCtl
        self.data = data
        self.log = folder.appendingPathComponent("server.log").path
        self.asRoot = asRoot
        var attempt = 0
        while true {
            attempt += 1
            let port = Int.random(in: 20_000...60_000)
            // fsync off (the machine does not lose power in a test), but commits reach the OS
            // before they are answered: the restart tests stop the server with `-m immediate`,
            // which with synchronous_commit off loses the last commits it had acknowledged.
            let options = "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories='' -c fsync=off "
                + "-c full_page_writes=off -c max_connections=500"
            if try Self.start(pgCtl: binaries.pgCtl, data: data, options: options, log: log, asRoot: asRoot) {
                self.options = options
                self.url = "postgres://herald@127.0.0.1:\(port)/postgres?sslmode=disable"
                return
            }
            if attempt == 5 { throw FixtureError("PostgreSQL did not start; see \(log)") }
        }
    }

    private func startAgain() throws {
        guard try Self.start(pgCtl: pgCtl, data: data, options: options, log: log, asRoot: asRoot) else {
            throw FixtureError("PostgreSQL did not restart; see \(log)")
        }
    }

    private static func start(pgCtl: String, data: String, options: String, log: String, asRoot: Bool) throws -> Bool {
        // Not `pg_ctl -w` under Foundation's Process: the server inherits the descriptor
        // Process watches for the exit, so the wait would never end. Poll the pid file instead.
        let process = Process()
        let arguments = ["-D", data, "-o", options, "-l", log, "start"]
        process.executableURL = URL(fileURLWithPath: asRoot ? "/usr/sbin/runuser" : pgCtl)
        process.arguments = asRoot ? ["-u", "postgres", "--", pgCtl] + arguments : arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return waitUntilReady(data: data)
    }

    /// Waits for `postmaster.pid` to say `ready`; false when the server gave up (port taken).
    private static func waitUntilReady(data: String) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        var sawPidFile = false
        while Date() < deadline {
            if let text = try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8) {
                sawPidFile = true
                if text.split(separator: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces) == "ready" }) { return true }
            } else if sawPidFile {
                return false
            }
            usleep(50_000)
        }
        return false
    }

    /// Signals the postmaster and waits (up to 10 s) for it to exit.
    fileprivate static func signal(data: String, _ signal: Int32) {
        let text = (try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8)) ?? ""
        guard let pid = text.split(separator: "\n").first.flatMap({ pid_t($0) }) else { return }
        kill(pid, signal)
        for _ in 0..<500 where kill(pid, 0) == 0 { usleep(20_000) }
    }

    private static func run(_ program: String, _ arguments: [String], asPostgres: Bool = false) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: asPostgres ? "/usr/sbin/runuser" : program)
        process.arguments = asPostgres ? ["-u", "postgres", "--", program] + arguments : arguments
        // A file, not a pipe, for the output: nothing started here may hold a pipe open.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("herald-fixture-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: outputPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputPath) }
        let output = try FileHandle(forWritingTo: outputPath)
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: outputPath, encoding: .utf8)) ?? ""
            throw FixtureError("\(program) \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }
}

/// Stops every cluster (immediate shutdown) and deletes its folder when the test process exits.
private enum ClusterCleanup {
    private static let clusters = Mutex<[(data: String, folder: String)]>([])

    static func register(data: String, folder: String) {
        let first = clusters.withLock { clusters in
            clusters.append((data, folder))
            return clusters.count == 1
        }
        guard first else { return }
        atexit {
            for cluster in ClusterCleanup.clusters.withLock({ $0 }) {
                PostgresCluster.signal(data: cluster.data, SIGQUIT)
                try? FileManager.default.removeItem(atPath: cluster.folder)
            }
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs blocking work (waiting for a program, polling a file) on a thread of its own and waits
/// for it without holding one of Swift concurrency's threads.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// ``offThePool(_:)`` for work that cannot fail.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}
