import HeraldCore

/// Reads the users to move from text: CSV (`user,page`, with or without that header line) or
/// JSON lines (`{"user": "…", "page": "…"}`), the format told by the first line. A bad line is
/// reported with its number and skipped; the rest are read.
public struct BailoutTargetList: Sendable, Hashable {
    public var targets: [BailoutTarget] = []
    public var problems: [LineProblem] = []

    public init(parsing text: String) {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let firstContent = lines.first { !$0.allSatisfy(\.isWhitespace) }?.drop { $0.isWhitespace }
        let jsonLines = firstContent?.first == "{"
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingWhitespace()
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let number = index + 1
            if jsonLines {
                guard let object = JSONValue.decode(line.utf8)?.objectValue else {
                    problems.append(LineProblem(line: number, reason: "not a JSON object"))
                    continue
                }
                guard let user = object["user"]?.stringValue, !user.isEmpty, let page = object["page"]?.stringValue, !page.isEmpty else {
                    problems.append(LineProblem(line: number, reason: #"needs "user" and "page" as text"#))
                    continue
                }
                targets.append(BailoutTarget(user: user, page: page))
            } else {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
                if targets.isEmpty, problems.isEmpty, fields.map({ $0.lowercased() }) == ["user", "page"] { continue }
                guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                    problems.append(LineProblem(line: number, reason: "expected user,page (got \(fields.count) field\(fields.count == 1 ? "" : "s"))"))
                    continue
                }
                targets.append(BailoutTarget(user: fields[0], page: fields[1]))
            }
        }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
