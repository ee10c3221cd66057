import GRDB
import HeraldCore
import HeraldStore

/// The guarded update that records one attempt result: it changes the message only while the
/// recording dispatcher still holds its lease.
enum SQLiteCompletion {
    static let sql = """
        UPDATE messages
        SET status = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?,
            sent_at = COALESCE(?, sent_at),
            provider_message_id = COALESCE(?, provider_message_id),
            next_attempt_at = COALESCE(?, next_attempt_at),
            failed_at = COALESCE(?, failed_at),
            last_error = ?,
            attempts = attempts - ?,
            throttles = CASE WHEN ? THEN throttles + 1 ELSE 0 END
        WHERE id = ? AND status = 'sending' AND lease_owner = ?
        """

    static func arguments(_ completion: Completion) -> StatementArguments {
        let fields = completion.recordedFields
        return [
            completion.targetStatus.rawValue, completion.now.millis, fields.sentAt?.millis, fields.providerMessageID,
            fields.nextAttemptAt?.millis, fields.failedAt?.millis, fields.error, fields.throttled ? 1 : 0, fields.throttled,
            completion.messageID.rawValue, completion.leaseOwner,
        ]
    }
}
