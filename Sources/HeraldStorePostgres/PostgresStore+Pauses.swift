public import Foundation
public import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func dispatchPauses() async throws -> DispatchPauses {
        let rows = try await query(PostgresQuery(unsafeSQL: "SELECT scope FROM dispatch_pauses"))
        return DispatchPauses(scopes: try rows.map { PauseScope(storedKey: try $0.decode(String.self)) })
    }

    public func setPaused(_ paused: Bool, scope: PauseScope, now: Date) async throws -> Bool {
        let statement = paused
            ? PostgresQuery(
                unsafeSQL: "INSERT INTO dispatch_pauses (scope, paused_at) VALUES ($1, $2) ON CONFLICT (scope) DO NOTHING RETURNING scope",
                binds: Self.binds(scope.storedKey, now.millis)
            )
            : PostgresQuery(unsafeSQL: "DELETE FROM dispatch_pauses WHERE scope = $1 RETURNING scope", binds: Self.binds(scope.storedKey))
        let rows = try await query(statement)
        guard !rows.isEmpty else { return false }
        if !paused {
            // The other processes' dispatchers may be waiting on the work a resume frees.
            try await notifyWork()
            workSignal.signal()
        }
        return true
    }
}
