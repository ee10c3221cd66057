import Foundation
import HeraldTestSupport
import Testing

/// Mistakes a new user makes in the first hour, run as they make them: each stops with one
/// sentence that says what to do, no usage text, and a sysexits status — and starts nothing.
@Suite(.serialized)
struct StartupErrorsProcessTests {
    static func serve(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) async throws -> (status: Int32, err: String) {
        let result = try await CommandLineProcessTests.herald(
            ["serve"] + arguments, port: 0, environment: environment, workingDirectory: folder
        )
        return (result.status, result.err + result.out)
    }

    @Test(.timeLimit(.minutes(1)))
    func aMisspelledVariableStopsStartUpNamingTheClosestKnownOne() async throws {
        let folder = try TemporaryDirectory.make()
        let (status, text) = try await Self.serve(["--port", "0"], in: folder, environment: ["HERALD_DISPATCHER_BATCHSIZE": "5"])
        #expect(status == 78)
        #expect(text.contains("unknown environment variable HERALD_DISPATCHER_BATCHSIZE: did you mean HERALD_DISPATCHER_BATCH_SIZE?"), "\(text)")
        #expect(text.contains("See 'herald serve --help'."), "\(text)")
        #expect(!text.contains("Usage:"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("herald.sqlite").path), "nothing started")
    }

    @Test(.timeLimit(.minutes(1)))
    func aPortInUseStopsStartUpBeforeAnythingStarts() async throws {
        let first = try await HeraldProcess(database: try TemporaryDirectory.make().appendingPathComponent("a.sqlite").path, environment: [:])
        let folder = try TemporaryDirectory.make()
        let (status, text) = try await Self.serve(["--port", "\(first.port)"], in: folder)
        #expect(status == 78)
        #expect(text.contains("port \(first.port) is already in use: choose another with --port or HERALD_PORT"), "\(text)")
        #expect(!text.contains("Usage:"))
        #expect(!text.contains("dispatcher started"), "the dispatcher did not start: \(text)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("herald.sqlite").path), "nothing was migrated")
        #expect(await first.terminate() == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aSecondServerOnOneSQLiteFileIsRefusedUntilTheFirstIsGoneEvenByKill9() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path
        let first = try await HeraldProcess(database: database, environment: [:])
        let (status, text) = try await Self.serve(["--port", "0", "--database", database], in: try TemporaryDirectory.make())
        #expect(status == 78)
        #expect(text.contains("herald.sqlite is in use by another herald process (pid \(first.process.processIdentifier)); SQLite serves one process — use PostgreSQL (database.url) for several"), "\(text)")
        // Migrating the file while it is served is allowed.
        let migrate = try await CommandLineProcessTests.herald(
            ["migrate", "--database", database], port: 0, environment: ["HERALD_SECRET_KEY": HeraldProcess.secretKey]
        )
        #expect(migrate.status == 0, "\(migrate.err)\(migrate.out)")
        first.kill9()
        let second = try await HeraldProcess(database: database, environment: [:])
        #expect(await second.terminate() == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aClientCommandWithNoServerSaysSoWithinFiveSeconds() async throws {
        let started = ContinuousClock.now
        let result = try await CommandLineProcessTests.herald(["status"], port: 8099)
        // The command itself answers in a fraction of a second; the margin is for launching a
        // process on a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(result.status == 69)
        #expect(result.err.contains("cannot reach Herald at http://127.0.0.1:8099 (connection refused): is herald serve running? Set --server or HERALD_URL"), "\(result.err)")
        #expect(!result.err.contains("Usage:"))
    }
}
