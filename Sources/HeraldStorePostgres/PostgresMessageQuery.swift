import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

/// Builds the listing statement for a ``MessageQuery``: only the filters it sets, walking
/// `messages_tenant_kind_recent` newest first.
enum PostgresMessageQuery {
    static func statement(for query: MessageQuery) -> PostgresQuery {
        var bindings = PostgresBindings()
        var conditions: [String] = []
        func condition(_ sql: String, _ value: some PostgresDynamicTypeEncodable) {
            bindings.append(value)
            conditions.append(sql.replacingOccurrences(of: "?", with: "$\(bindings.count)"))
        }
        condition("tenant_id = ?", query.tenant.rawValue)
        condition("kind = ?", query.kind.rawValue)
        if !query.statuses.isEmpty {
            condition("status = ANY(?::text[])", query.statuses.map(\.rawValue).sorted())
        }
        if let channel = query.channel { condition("channel = ?", channel) }
        if let recipient = query.recipient { condition("recipient = ?", recipient) }
        if let providerMessageID = query.providerMessageID { condition("provider_message_id = ?", providerMessageID) }
        if let outletID = query.outletID { condition("outlet_id = ?", outletID) }
        if let profileID = query.profileID { condition("profile_id = ?", profileID.rawValue) }
        if let from = query.createdFrom { condition("created_at >= ?", from.millis) }
        if let before = query.createdBefore { condition("created_at < ?", before.millis) }
        if let olderThan = query.olderThan { condition("id < ?", olderThan.rawValue) }
        bindings.append(Int64(query.limit))
        bindings.append(Int64(query.offset))
        let sql = PostgresMessageRow.select + " WHERE " + conditions.joined(separator: " AND ")
            + " ORDER BY id DESC LIMIT $\(bindings.count - 1) OFFSET $\(bindings.count)"
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}
