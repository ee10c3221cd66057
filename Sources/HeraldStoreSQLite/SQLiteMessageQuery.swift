import GRDB
import HeraldCore
import HeraldStore

/// Builds the listing statement for a ``MessageQuery``: only the filters it sets, walking
/// `messages_tenant_recent` newest first.
enum SQLiteMessageQuery {
    static func statement(for query: MessageQuery) -> (String, StatementArguments) {
        var conditions = ["tenant_id = ?"]
        var arguments: StatementArguments = [query.tenant.rawValue]
        if !query.statuses.isEmpty {
            let statuses = query.statuses.map(\.rawValue).sorted()
            conditions.append("status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))")
            for status in statuses { arguments += [status] }
        }
        if let channel = query.channel {
            conditions.append("channel = ?")
            arguments += [channel]
        }
        if let recipient = query.recipient {
            conditions.append("recipient = ?")
            arguments += [recipient]
        }
        if let providerMessageID = query.providerMessageID {
            conditions.append("provider_message_id = ?")
            arguments += [providerMessageID]
        }
        if let outletID = query.outletID {
            conditions.append("outlet_id = ?")
            arguments += [outletID]
        }
        if let profileID = query.profileID {
            conditions.append("profile_id = ?")
            arguments += [profileID.rawValue]
        }
        if let from = query.createdFrom {
            conditions.append("created_at >= ?")
            arguments += [from.millis]
        }
        if let before = query.createdBefore {
            conditions.append("created_at < ?")
            arguments += [before.millis]
        }
        if let olderThan = query.olderThan {
            conditions.append("id < ?")
            arguments += [olderThan.rawValue]
        }
        arguments += [query.limit, query.offset]
        let sql = MessageRow.select + " WHERE " + conditions.joined(separator: " AND ") + " ORDER BY id DESC LIMIT ? OFFSET ?"
        return (sql, arguments)
    }
}
