import HeraldCore

/// The problems found while reading the configuration, gathered so that one start-up reports
/// every one of them — a file with three mistakes is fixed in one round, not three.
struct ConfigurationProblems {
    private(set) var messages: [String] = []

    mutating func add(_ problems: [String]) {
        messages += problems
    }

    /// Runs `body`, keeping the problem it throws instead of stopping.
    mutating func collect(_ body: () throws(HeraldError) -> Void) {
        do {
            try body()
        } catch {
            messages.append(error.message)
        }
    }

    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` with every problem, one per line.
    func throwIfAny() throws(HeraldError) {
        switch messages.count {
        case 0: return
        case 1: throw .invalidConfiguration(messages[0])
        default: throw .invalidConfiguration("\(messages.count) problems in the configuration:\n  - " + messages.joined(separator: "\n  - "))
        }
    }
}
