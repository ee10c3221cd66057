import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps a second `herald serve` off a SQLite file one already serves: SQLite serves one
/// process, and two dispatchers on one file would fight over its one writer. An OS lock
/// (`flock`) on `<database>.lock`, held for the life of the process — the kernel releases it
/// when the process ends, however it ends, kill -9 included — holding the pid of its owner for
/// the error message. `herald migrate` and the read-only commands do not take it.
final class DatabaseFileLock {
    private let descriptor: Int32

    /// Takes the lock for `databasePath`.
    /// - Throws: an exit with status 78 naming the process that holds it.
    init(databasePath: String) throws {
        let path = databasePath + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            // Not a place Herald can write: opening the database will say so in its own words.
            self.descriptor = -1
            return
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(descriptor, &buffer, buffer.count)
            close(descriptor)
            let owner = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            let name = (databasePath as NSString).lastPathComponent
            throw StartupFailure.exit(
                "\(name) is in use by another herald process (pid \(owner)); SQLite serves one process — use PostgreSQL (database.url) for several"
            )
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
