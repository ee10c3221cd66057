import GRDB
import HeraldCore
import HeraldStore

/// Builds the listing statement for a ``MessageQuery``: only the filters it sets, walking
/// `messages_tenant_kind_recent` newest first.
enum SQLiteMessageQuery {
    static func statement(for query: MessageQuery) -> (String, StatementArguments) {
        var conditions = ["tenant_id = ?", "kind = ?"]
        var arguments: StatementArguments = [query.tenant.rawValue, query.kind.rawValue]
        if !query.statuses.isEmpty {
            let statuses = query.statuses.map(\.rawValue).sorted()
            conditions.append("status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))")
            for status in statuses { arguments += [status] }
        }
        // Each filter the query sets, as a condition and its value.
        let filters: [(String, (any DatabaseValueConvertible)?)] = [
            ("channel = ?", query.channel),
            ("recipient = ?", query.recipient),
            ("provider_message_id = ?", query.providerMessageID),
            ("outlet_id = ?", query.outletID),
            ("profile_id = ?", query.profileID?.rawValue),
            ("created_at >= ?", query.createdFrom?.millis),
            ("created_at < ?", query.createdBefore?.millis),
            ("id < ?", query.olderThan?.rawValue),
        ]
        for (condition, value) in filters {
            guard let value else { continue }
            conditions.append(condition)
            arguments += [value]
        }
        arguments += [query.limit, query.offset]
        let sql = MessageRow.select + " WHERE " + conditions.joined(separator: " AND ") + " ORDER BY id DESC LIMIT ? OFFSET ?"
        return (sql, arguments)
    }
}
