import Foundation
import HeraldClient
import HeraldCore

/// How the client commands write: JSON for programs, aligned text for people, and a progress
/// bar on standard error when it is a terminal (plain lines when it is not).
enum Terminal {
    static var isInteractive: Bool { isatty(STDERR_FILENO) == 1 }

    /// `value` as pretty JSON on standard output.
    static func printJSON(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
    }

    /// Rows as columns padded to their widest cell, the first row a header.
    static func printTable(_ rows: [[String]]) {
        guard let header = rows.first else { return }
        let widths = header.indices.map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { index, cell in index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }
            print(cells.joined(separator: "  "))
        }
    }

    /// A line on standard error.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `done` of `total` on standard error: a bar redrawn in place on a terminal, a line now and
    /// then otherwise.
    static func progress(_ done: Int, of total: Int, label: String) {
        guard total > 0 else { return }
        if isInteractive {
            let width = 30
            let filled = done * width / total
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if done == total || done % max(1, total / 10) == 0 {
            note("\(label): \(done)/\(total)")
        }
    }

    /// The input named by a path, `-` for standard input.
    static func read(_ path: String) throws -> String {
        if path == "-" {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses a `--metadata` object.
    static func metadata(_ text: String?) throws -> [String: JSONValue]? {
        guard let text else { return nil }
        guard let object = JSONValue.decode(text.utf8)?.objectValue else {
            throw CommandError("--metadata must be a JSON object, such as '{\"order_id\": \"A-1\"}'")
        }
        return object
    }
}

/// A failure a command reports in a sentence, exiting with status 1.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
