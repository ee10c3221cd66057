import Foundation

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

    /// The URL of the running server (without a schema); starts it on first call.
    /// - Throws: when no server can be started.
    public static func serverURL() async throws -> String {
        if let url = ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES_URL"] { return url }
        return try await LocalCluster.shared.url()
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

/// The cluster this test process started, if any.
private actor LocalCluster {
    static let shared = LocalCluster()

    private var started: Result<String, any Error>?

    func url() throws -> String {
        if started == nil { started = Result { try start() } }
        return try started!.get()
    }

    private func start() throws -> String {
        guard let binaries = PostgresBinaries.find() else {
            throw FixtureError("PostgreSQL is required (HERALD_REQUIRE_POSTGRES=1) but initdb/pg_ctl were not found")
        }
        let folder = try TemporaryDirectory.make().appendingPathComponent("postgres")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = folder.appendingPathComponent("data").path
        let asRoot = getuid() == 0
        if asRoot { try run("/bin/chown", ["-R", "postgres:postgres", folder.path]) }
        func postgres(_ program: String, _ arguments: [String]) throws {
            if asRoot {
                try run("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
            } else {
                try run(program, arguments)
            }
        }
        try postgres(binaries.initdb, ["-D", data, "-U", "herald", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
        let log = folder.appendingPathComponent("server.log").path
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...60_000)
            let options = "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories='' -c fsync=off "
                + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=500"
            // Not `pg_ctl -w` under Foundation's Process: the server inherits the descriptor
            // Process watches for the exit, so the wait would never end. Poll the pid file instead.
            try launch(postgres: asRoot, binaries.pgCtl, ["-D", data, "-o", options, "-l", log, "start"])
            if try waitUntilReady(data: data) {
                ClusterCleanup.register(data: data, folder: folder.deletingLastPathComponent().path)
                return "postgres://herald@127.0.0.1:\(port)/postgres?sslmode=disable"
            }
        }
        throw FixtureError("PostgreSQL did not start; see \(log)")
    }

    private func launch(postgres asRoot: Bool, _ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: asRoot ? "/usr/sbin/runuser" : program)
        process.arguments = asRoot ? ["-u", "postgres", "--", program] + arguments : arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for `postmaster.pid` to say `ready`; false when the server gave up (port taken).
    private func waitUntilReady(data: String) throws -> Bool {
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

    private func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        // A file, not a pipe: the server pg_ctl starts inherits the descriptors and keeps a pipe open.
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

/// Stops the cluster (immediate shutdown) and deletes its folder when the test process exits.
private enum ClusterCleanup {
    nonisolated(unsafe) private static var data = ""
    nonisolated(unsafe) private static var folder = ""

    static func register(data: String, folder: String) {
        Self.data = data
        Self.folder = folder
        atexit {
            let text = (try? String(contentsOfFile: ClusterCleanup.data + "/postmaster.pid", encoding: .utf8)) ?? ""
            if let pid = text.split(separator: "\n").first.flatMap({ pid_t($0) }) {
                kill(pid, SIGQUIT)
                for _ in 0..<100 where kill(pid, 0) == 0 { usleep(20_000) }
            }
            try? FileManager.default.removeItem(atPath: ClusterCleanup.folder)
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
