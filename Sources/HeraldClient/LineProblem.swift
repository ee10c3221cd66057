/// One line of an input file that could not be read, and why.
public struct LineProblem: Sendable, Hashable, CustomStringConvertible {
    /// 1 for the first line.
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}
