import Foundation
import HeraldCore

/// Reads messages from JSON lines: one `POST /api/v1/messages` body per line. A bad line is
/// reported with its number and skipped; the rest are read.
public struct OutgoingMessageList: Sendable, Hashable {
    public var messages: [OutgoingMessage] = []
    /// The line each message came from, in the same order.
    public var lines: [Int] = []
    public var problems: [LineProblem] = []

    public init(parsing text: String) {
        let decoder = JSONDecoder()
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingWhitespace()
            guard !line.isEmpty else { continue }
            guard JSONValue.decode(line.utf8)?.objectValue != nil else {
                problems.append(LineProblem(line: index + 1, reason: "not a JSON object"))
                continue
            }
            do {
                messages.append(try decoder.decode(OutgoingMessage.self, from: Data(line.utf8)))
                lines.append(index + 1)
            } catch {
                problems.append(LineProblem(line: index + 1, reason: "a field has the wrong type (\(error))"))
            }
        }
    }
}
