import ArgumentParser
import Foundation

/// A command that cannot start for a reason its user must fix (a bad setting, a port in use, a
/// database held by another process): the problem alone on standard error, without
/// argument-parser's usage text, which has nothing to do with it, and the sysexits status
/// scripts and service managers understand.
enum StartupFailure {
    /// `EX_CONFIG`: the configuration is wrong, or the environment it names is taken.
    static let configuration: Int32 = 78
    /// `EX_UNAVAILABLE`: a service the command needs cannot be reached.
    static let unavailable: Int32 = 69

    /// Writes `message` (and where to read about `command`) and returns the exit to throw.
    static func exit(_ message: String, command: String? = nil, status: Int32 = configuration) -> ExitCode {
        var text = "Error: \(message)\n"
        if let command { text += "See 'herald \(command) --help'.\n" }
        FileHandle.standardError.write(Data(text.utf8))
        return ExitCode(status)
    }
}
