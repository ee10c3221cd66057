import Foundation
import Testing

/// Every module a target imports is declared in Package.swift — a target or a product — not
/// reached only through another package that happens to bring it.
struct DeclaredDependenciesTests {
    static let system: Set<String> = ["Foundation", "FoundationEssentials", "Glibc", "Dispatch", "Synchronization", "Testing", "XCTest"]

    @Test(.timeLimit(.minutes(2)))
    func everyImportedModuleIsDeclared() async throws {
        let pattern = try NSRegularExpression(pattern: #"^\s*(?:@testable\s+|public\s+|package\s+|internal\s+)?import\s+([A-Za-z_][A-Za-z0-9_]*)\s*$"#, options: [.anchorsMatchLines])
        for (name, target) in PackageDescribe.targets(try await PackageDescribe.load()) {
            guard let path = target["path"] as? String else { continue }
            let declared = Set((target["target_dependencies"] as? [String] ?? []) + (target["product_dependencies"] as? [String] ?? []))
            var imported = Set<String>()
            let folder = PackageDescribe.root.appendingPathComponent(path)
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
            for file in files where file.pathExtension == "swift" {
                let text = try String(contentsOf: file, encoding: .utf8)
                for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    if let range = Range(match.range(at: 1), in: text) { imported.insert(String(text[range])) }
                }
            }
            let undeclared = imported.subtracting(declared).subtracting(Self.system).subtracting([name])
            #expect(undeclared.isEmpty, "\(name) imports \(undeclared.sorted()) without declaring them in Package.swift")
        }
    }
}
