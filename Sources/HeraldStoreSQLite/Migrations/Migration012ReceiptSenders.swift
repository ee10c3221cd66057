import GRDB

/// Receipts bound to the credentials that verified them: a receipt kept for a message not known
/// yet keeps the provider's sender it was verified for and the sender profiles it may apply to.
/// Receipts kept before this migration name no profile and so apply to nothing; they expire
/// with the others (within an hour).
enum Migration012ReceiptSenders {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE pending_receipts ADD COLUMN sender TEXT;
            ALTER TABLE pending_receipts ADD COLUMN profile_ids TEXT NOT NULL DEFAULT '[]';
            """)
    }
}
