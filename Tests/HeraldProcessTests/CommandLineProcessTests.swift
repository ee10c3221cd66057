import Foundation
import HeraldCore
import HeraldSink
import HeraldTestSupport
import Synchronization
import Testing

/// The operator's commands, run as a user runs them: the real `herald` binary against a real
/// `herald serve`, a sink and a fake bot server.
struct CommandLineProcessTests {
    static let key = "cli-process-key"

    /// Runs `herald` with `arguments`, standard input `input`, and the server in the environment.
    static func herald(
        _ arguments: [String], port: Int, input: String? = nil, interruptAfter: Duration? = nil, environment: [String: String] = [:],
        workingDirectory: URL? = nil
    ) async throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = HeraldProcess.binary
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["HERALD_URL": "http://127.0.0.1:\(port)", "HERALD_API_KEY": Self.key]) { $1 }
            .merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read and wait on a thread of its own: blocking the test's concurrency threads would
        // starve the in-process sink and bot server the command talks to.
        async let finished: (Data, Data) = withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let output = out.fileHandleForReading.readDataToEndOfFile()
                let errors = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (output, errors))
            }
        }
        if let interruptAfter {
            try await Task.sleep(for: interruptAfter)
            process.interrupt()
        }
        let (output, errors) = await finished
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    @Test(.timeLimit(.minutes(2)))
    func sendMessagesAndStatusSpeakToARealServer() async throws {
        try await withSink(secret: CrashRecoveryTests.secret) { sinkURL, ledger in
            let server = try await HeraldProcess(database: try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path, environment: [
                "HERALD_API_KEY": Self.key, "HERALD_WEBHOOK_SECRET": CrashRecoveryTests.secret, "HERALD_WEBHOOK_URL": sinkURL,
            ])
            let one = try await Self.herald(["send", "--content", "hello", "--metadata", #"{"order": "A-1"}"#, "--wait", "--json"], port: server.port)
            #expect(one.status == 0, "\(one.err)")
            let sent = try #require(JSONValue.decode(one.out.utf8))
            #expect(sent["status"] == .string("sent"))
            #expect(sent["metadata"]?["order"] == .string("A-1"))
            let id = try #require(sent["id"]?.stringValue)

            let lines = "{\"content\": \"a\"}\nnot json\n{\"channel\": \"pigeon\", \"content\": \"c\"}\n{\"content\": \"b\"}\n"
            let many = try await Self.herald(["send", "--file", "-"], port: server.port, input: lines)
            #expect(many.status == 1)
            #expect(many.out.contains("accepted 2, already there 0, rejected 1, unreadable lines 1"), "\(many.out)")
            #expect(many.err.contains("skipped line 2: not a JSON object"))
            #expect(many.err.contains("line 3: validation failed"))

            let show = try await Self.herald(["messages", "show", id], port: server.port)
            #expect(show.status == 0 && show.out.contains("sent") && show.out.contains(#"{"order":"A-1"}"#), "\(show.out)")
            let attempts = try await Self.herald(["messages", "attempts", id], port: server.port)
            #expect(attempts.out.contains("200") && attempts.out.contains("sent"), "\(attempts.out)\n\(server.log.suffix(3000))")
            // The shortcut a newcomer types first.
            let shortcut = try await Self.herald(["attempts", id], port: server.port)
            #expect(shortcut.status == 0 && shortcut.out == attempts.out, "\(shortcut.err)")
            #expect(await eventually { ledger.stats.uniqueDelivered >= 3 })
            let list = try await Self.herald(["messages", "--json"], port: server.port)
            #expect(JSONValue.decode(list.out.utf8)?.arrayValue?.count == 3)
            let status = try await Self.herald(["status"], port: server.port)
            #expect(status.out.contains("scheduler: running") && status.out.contains("sent"), "\(status.out)")
            let missing = try await Self.herald(["messages", "retry", "msg_01JAAAAAAAAAAAAAAAAAAAAAAA"], port: server.port)
            #expect(missing.status == 1 && missing.err.contains("Error:"))
            let noKey = try await Self.herald(["status", "--key", "wrong"], port: server.port)
            #expect(noKey.status == 1 && noKey.err.contains("API key"))
            #expect(await server.terminate() == 0)
        }
    }

    /// `herald send --wait` to a receiver that answers 503 says how the attempt went and when
    /// the next one is due, not only `queued`.
    @Test(.timeLimit(.minutes(2)))
    func sendWaitSaysTheLastAttemptAndTheNext() async throws {
        try await withSink(secret: CrashRecoveryTests.secret, behaviour: .init(status: 503)) { sinkURL, _ in
            let server = try await HeraldProcess(database: try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path, environment: [
                "HERALD_API_KEY": Self.key, "HERALD_WEBHOOK_SECRET": CrashRecoveryTests.secret, "HERALD_WEBHOOK_URL": sinkURL,
            ])
            let sent = try await Self.herald(["send", "--content", "hello", "--wait"], port: server.port)
            #expect(sent.status == 0, "\(sent.err)")
            #expect(sent.out.contains("queued — attempt 1: "), "\(sent.out)")
            #expect(sent.out.contains("503"), "\(sent.out)")
            #expect(sent.out.contains("; next attempt at "), "\(sent.out)")
            #expect(await server.terminate() == 0)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func bailGoesStraightToTheBotServerAndStopsCleanlyOnCtrlC() async throws {
        let bots = FakeProvider()
        try await bots.run { base in
            let csv = "user,page\nu-1,checkout\noops\nu-2,cart\n"
            let dry = try await Self.herald(["bail", "-", "--form", "survey", "--direct", "--url", base + "/synthetic", "--dry-run"], port: 9, input: csv)
            #expect(dry.status == 1, "a bad line keeps the exit status non-zero")
            #expect(dry.out.contains("2 of 2 would be bailed"))
            #expect(dry.err.contains("skipped line 3"))
            #expect(dry.err.contains("[DRY RUN] Would bail user=u-1 page=checkout to form=survey"))
            #expect(bots.requests.isEmpty)

            let clean = try await Self.herald(["bail", "-", "--form", "survey", "--direct", "--url", base + "/synthetic", "--json"], port: 9, input: "u-1,checkout\nu-2,cart\n")
            #expect(clean.status == 0, "\(clean.err)")
            #expect(JSONValue.decode(clean.out.utf8)?["succeeded"] == .integer(2))
            #expect(bots.requests.count == 2)

            // 100 users a second apart: Ctrl-C after a moment stops between sends, with a summary.
            let many = (1...100).map { "u-\($0),p" }.joined(separator: "\n")
            let interrupted = try await Self.herald(
                ["bail", "-", "--form", "survey", "--direct", "--url", base + "/synthetic", "--delay", "1s"], port: 9, input: many, interruptAfter: .milliseconds(1500)
            )
            #expect(interrupted.status == 130, "\(interrupted.err)")
            #expect(interrupted.out.contains("of 100 bailed (interrupted)"), "\(interrupted.out)")
            #expect(bots.requests.count < 2 + 10)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func theAdminCommandsManageTenantsKeysAndProfiles() async throws {
        let admin = "cli-process-admin"
        let server = try await HeraldProcess(database: try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path, environment: [
            "HERALD_API_KEY": Self.key, "HERALD_ADMIN_KEY": admin, "HERALD_WEBHOOK_URL": "http://127.0.0.1:9/unused",
        ])
        func run(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
            try await Self.herald(arguments + ["--key", admin], port: server.port)
        }
        let created = try await run(["tenants", "create", "--name", "Shop One", "--quota", "500/day", "--json"])
        #expect(created.status == 0, "\(created.err)")
        let tenant = try #require(JSONValue.decode(created.out.utf8))
        let id = try #require(tenant["id"]?.stringValue)
        #expect(id.hasPrefix("tenant_") && tenant["quota"]?["limit"] == .integer(500))
        #expect(try await run(["tenants"]).out.contains("Shop One"))
        #expect(try await run(["tenants", "create", "--quota", "lots"]).status != 0)

        let key = try await run(["keys", "create", id, "--name", "checkout", "--json"])
        let secret = try #require(JSONValue.decode(key.out.utf8)?["key"]?.stringValue)
        #expect(try await run(["keys", "list", id]).out.contains("checkout"))

        let profile = try await run(["profiles", "create", id, "--name", "hooks", "--channel", "webhook", "--default", "--config", #"{"url": "https://example.test/hook", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}"#])
        #expect(profile.status == 0, "\(profile.err)")
        let listed = try await run(["profiles", "list", id])
        #expect(listed.out.contains("hooks") && listed.out.contains("webhook"))
        #expect(!(try await run(["profiles", "show", id, "hooks"]).out.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")), "credentials stay masked")
        #expect(try await run(["profiles", "delete", id, "hooks"]).status == 0)

        // The new key works for the tenant's own commands until the tenant is disabled.
        #expect(try await Self.herald(["status", "--key", secret], port: server.port).status == 0)
        #expect(try await run(["tenants", "disable", id]).status == 0)
        #expect(try await Self.herald(["status", "--key", secret], port: server.port).status == 1)
        #expect(try await run(["tenants", "show", "nobody"]).err.contains("Error:"))
        #expect(await server.terminate() == 0)
    }
}
