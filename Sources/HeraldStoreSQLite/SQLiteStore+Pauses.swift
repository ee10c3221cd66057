public import Foundation
import GRDB
public import HeraldStore

extension SQLiteStore {
    public func dispatchPauses() async throws -> DispatchPauses {
        try await read { db in
            DispatchPauses(scopes: try String.fetchAll(db, sql: "SELECT scope FROM dispatch_pauses").map(PauseScope.init(storedKey:)))
        }
    }

    public func setPaused(_ paused: Bool, scope: PauseScope, now: Date) async throws -> Bool {
        let changed = try await Self.write(pool) { db in
            if paused {
                try db.execute(
                    sql: "INSERT INTO dispatch_pauses (scope, paused_at) VALUES (?, ?) ON CONFLICT (scope) DO NOTHING",
                    arguments: [scope.storedKey, now.millis]
                )
            } else {
                try db.execute(sql: "DELETE FROM dispatch_pauses WHERE scope = ?", arguments: [scope.storedKey])
            }
            return db.changesCount > 0
        }
        if changed && !paused { workSignal.signal() }
        return changed
    }
}
