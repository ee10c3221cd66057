public import Foundation
public import HeraldStore
import HeraldStoreSQLite

/// The drivers the store conformance suite runs against. PostgreSQL joins when its driver lands.
public enum StoreKind: String, CaseIterable, Sendable {
    case memory
    case sqlite

    /// A fresh, empty, migrated store.
    public func make() throws -> any HeraldStore {
        switch self {
        case .memory:
            return InMemoryStore()
        case .sqlite:
            let store = try SQLiteStore(configuration: .init(path: TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path))
            try store.migrate()
            return store
        }
    }
}

/// A fresh temporary folder per call.
public enum TemporaryDirectory {
    public static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
