import GRDB
import HeraldStore

extension StoreError {
    /// Translates a GRDB or SQLite error at the driver's edge; store errors pass through.
    init(translating error: any Error) {
        if let error = error as? StoreError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self = .unavailable(String(describing: error))
            return
        }
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self = .corrupt("SQLite: \(error.resultCode)")
        case .SQLITE_MISMATCH, .SQLITE_TOOBIG, .SQLITE_RANGE:
            self = .invalidData("SQLite: \(error.resultCode): \(error.message ?? "")")
        case .SQLITE_CONSTRAINT:
            self = .conflict("SQLite: \(error.resultCode): \(error.message ?? "")")
        default:
            // Busy, locked, I/O, full disk, cannot open: the database is not able to answer now.
            self = .unavailable("SQLite: \(error.resultCode): \(error.message ?? "")")
        }
    }
}
