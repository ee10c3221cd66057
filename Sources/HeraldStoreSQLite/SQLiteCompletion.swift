import GRDB
import HeraldCore
import HeraldStore

/// The guarded update that records one attempt result: it changes the message only while it is
/// still sending under the lease (owner and version) the result was reached under.
enum SQLiteCompletion {
    static let sql = """
        UPDATE messages
        SET status = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?,
            sent_at = COALESCE(?, sent_at),
            provider_message_id = COALESCE(?, provider_message_id),
            next_attempt_at = COALESCE(?, next_attempt_at),
            failed_at = COALESCE(?, failed_at),
            last_error = CASE WHEN ? THEN last_error ELSE ? END,
            attempts = attempts + ?,
            throttles = CASE ? WHEN 0 THEN 0 WHEN 1 THEN throttles + 1 ELSE throttles END,
            not_before = ?, lease_expiries = 0
        WHERE id = ? AND status = 'sending' AND lease_owner = ? AND lease_version = ?
        """

    static func arguments(_ completion: Completion) -> StatementArguments {
        let fields = completion.recordedFields
        return [
            completion.targetStatus.rawValue, completion.now.millis, fields.sentAt?.millis, fields.providerMessageID,
            fields.nextAttemptAt?.millis, fields.failedAt?.millis, fields.throttle == .keep, fields.error,
            completion.attemptIncrement, fields.throttle.rawValue, fields.notBefore?.millis,
            completion.messageID.rawValue, completion.lease.owner, completion.lease.version,
        ]
    }
}
