import GRDB
public import HeraldCore
import HeraldStore

extension SQLiteStore {
    /// From `message_counts`, kept by triggers (migration 011).
    public func queueDepth() async throws -> [MessageStatus: Int] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT status, n FROM message_counts").reduce(into: [:]) { counts, row in
                let text: String = row[0]
                guard let status = MessageStatus(rawValue: text) else { throw StoreError.corrupt("unknown status \(text)") }
                counts[status] = row[1]
            }
        }
    }
}
