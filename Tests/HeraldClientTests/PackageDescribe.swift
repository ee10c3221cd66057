import Foundation
import HeraldTestSupport

/// The package as `swift package describe --type json` sees it, for tests of its structure.
enum PackageDescribe {
    /// The package's root folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The description's JSON. `swift package describe` takes seconds: it runs on a thread of
    /// its own, not on one the other tests need.
    static func load() async throws -> [String: Any] {
        let data = try await offThePool { try describe() }
        guard let description = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw DescribeFailed() }
        return description
    }

    private static func describe() throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // A scratch folder of its own: the running `swift test` holds the lock on `.build`
        // (describing the root package reads no dependency, so the folder stays empty).
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("herald-describe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        process.arguments = ["swift", "package", "--package-path", root.path, "--scratch-path", scratch.path, "describe", "--type", "json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw DescribeFailed() }
        return data
    }

    struct DescribeFailed: Error {}

    /// Each target's description by name.
    static func targets(_ description: [String: Any]) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: (description["targets"] as? [[String: Any]] ?? []).compactMap { target in
            (target["name"] as? String).map { ($0, target) }
        })
    }
}
