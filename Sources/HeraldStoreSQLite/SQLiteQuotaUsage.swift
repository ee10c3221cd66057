import Foundation
import GRDB
import HeraldCore
import HeraldStore

/// Running per-tenant usage counters within one group-commit transaction: each counter is read
/// once, counted up in memory as messages are stored, and written back once at the end.
struct SQLiteQuotaUsage {
    private struct Key: Hashable {
        var tenant: TenantID
        var period: Quota.Period
        var start: Int64
    }

    private var used: [Key: Int] = [:]
    private var added: [Key: Int] = [:]

    /// Messages counted so far for the period, this transaction's included.
    mutating func used(_ tenant: TenantID, _ period: Quota.Period, _ start: Date, _ db: Database) throws -> Int {
        try current(Key(tenant: tenant, period: period, start: start.millis), db)
    }

    /// Counts a stored message in its day and its month.
    mutating func count(_ message: Message, _ db: Database) throws {
        for period in Quota.Period.allCases {
            let start = Quota(limit: 0, period: period).periodStart(containing: message.createdAt)
            let key = Key(tenant: message.tenantID, period: period, start: start.millis)
            used[key] = try current(key, db) + 1
            added[key, default: 0] += 1
        }
    }

    /// Writes the counts added in this transaction.
    func save(_ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO quota_usage (tenant_id, period, period_start, used) VALUES (?, ?, ?, ?)
            ON CONFLICT (tenant_id, period, period_start) DO UPDATE SET used = used + excluded.used
            """)
        for (key, count) in added {
            try statement.execute(arguments: [key.tenant.rawValue, key.period.rawValue, key.start, count])
        }
    }

    private mutating func current(_ key: Key, _ db: Database) throws -> Int {
        if let known = used[key] { return known }
        let stored = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT used FROM quota_usage WHERE tenant_id = ? AND period = ? AND period_start = ?"),
            arguments: [key.tenant.rawValue, key.period.rawValue, key.start]
        ) ?? 0
        used[key] = stored
        return stored
    }
}
