import Foundation
import Testing

/// `HeraldClient` must build without the server: none of its targets, direct or indirect, may
/// depend on GRDB, PostgresNIO or Hummingbird (read from `swift package describe`).
struct ClientDependencyTests {
    @Test(.timeLimit(.minutes(2)))
    func theClientLibraryNeedsNoDatabaseDriverAndNoHTTPServer() throws {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // A scratch folder of its own: the running `swift test` holds the lock on `.build`
        // (describing the root package reads no dependency, so the folder stays empty).
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("herald-describe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        process.arguments = ["swift", "package", "--package-path", package.path, "--scratch-path", scratch.path, "describe", "--type", "json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let description = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let targets = try #require(description["targets"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: targets.compactMap { target in
            (target["name"] as? String).map { ($0, target) }
        })
        let product = try #require((description["products"] as? [[String: Any]])?.first { $0["name"] as? String == "HeraldClient" })
        var seenTargets = Set<String>()
        var products = Set<String>()
        var queue = product["targets"] as? [String] ?? []
        while let name = queue.popLast() {
            guard seenTargets.insert(name).inserted, let target = byName[name] else { continue }
            queue += target["target_dependencies"] as? [String] ?? []
            products.formUnion(target["product_dependencies"] as? [String] ?? [])
        }
        #expect(seenTargets.contains("HeraldClient"))
        #expect(!seenTargets.contains("HeraldStoreSQLite") && !seenTargets.contains("HeraldAPI"))
        for forbidden in ["GRDB", "PostgresNIO", "Hummingbird"] {
            #expect(!products.contains(forbidden), "HeraldClient depends on \(forbidden)")
        }
        #expect(products.contains("OpenAPIAsyncHTTPClient"))
    }
}
