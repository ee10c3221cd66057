import Foundation
import Logging
import Synchronization

/// Sets up logging to standard error once per process.
enum LoggingSetup {
    private static let done = Mutex(false)

    static func logger(label: String, level: String) -> Logger {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        }
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }
}
