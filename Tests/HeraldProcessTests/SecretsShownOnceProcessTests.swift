import Foundation
import HeraldTestSupport
import Synchronization
import Testing

/// The keys and secret Herald generates at first start are shown once, on standard output: they
/// must be there at once even when standard output is a pipe (block-buffered), not when the
/// process ends — after a `kill -9` they would never appear while only their hashes are kept.
struct SecretsShownOnceProcessTests {
    @Test(.timeLimit(.minutes(1)))
    func generatedKeysReachAPipeWhileTheServerRuns() async throws {
        let folder = try TemporaryDirectory.make()
        let process = Process()
        process.executableURL = HeraldProcess.binary
        process.arguments = ["serve", "--port", "0", "--database", folder.appendingPathComponent("h.sqlite").path]
        // Nothing configured: the server makes its own keys and secret.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HERALD_") }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let text = Mutex("")
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        defer {
            out.fileHandleForReading.readabilityHandler = nil
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        let shown = await eventually(timeout: .seconds(30), every: .milliseconds(50)) {
            let seen = text.withLock { $0 }
            return seen.contains("Generated an API key") && seen.contains("Generated the admin key") && seen.contains("Generated a webhook signing secret")
        }
        #expect(shown, "\(text.withLock { $0 })")
        #expect(process.isRunning, "the secrets must appear while the server runs, not when it stops")
        let lines = text.withLock { $0 }.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains { $0.hasPrefix("whsec_") })
    }
}
