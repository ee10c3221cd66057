import Foundation
import Testing

/// `HeraldClient` must build without the server: none of its targets, direct or indirect, may
/// depend on GRDB, PostgresNIO or Hummingbird (read from `swift package describe`).
struct ClientDependencyTests {
    @Test(.timeLimit(.minutes(2)))
    func theClientLibraryNeedsNoDatabaseDriverAndNoHTTPServer() async throws {
        let description = try await PackageDescribe.load()
        let byName = PackageDescribe.targets(description)
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
