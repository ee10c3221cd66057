/// One step of the PostgreSQL schema history: a version, a name, and the SQL that takes the
/// schema there. A released migration is never edited, only followed by another.
struct PostgresMigration: Sendable {
    var version: Int
    var name: String
    /// Statements run in order, in the migration's transaction.
    var statements: [String]
}
