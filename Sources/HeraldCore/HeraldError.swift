/// A failure that Herald's own rules produce: an illegal life-cycle move, a bad draft, a bad
/// setting. Each has a stable snake_case ``code`` for API bodies and logs.
public struct HeraldError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case illegalTransition = "illegal_transition"
        case validation = "validation_failed"
        case invalidConfiguration = "invalid_configuration"
        case contentCleared = "content_cleared"
    }

    private let kind: Code
    /// A sentence a person can act on.
    public let message: String
    /// Field-level problems, for validation failures.
    public let problems: [FieldProblem]

    /// The stable machine-readable code.
    public var code: String { kind.rawValue }

    public var description: String { message }

    /// The life-cycle does not allow the move.
    public static func illegalTransition(from: MessageStatus, to: MessageStatus) -> HeraldError {
        HeraldError(kind: .illegalTransition, message: "a \(from.rawValue) message cannot become \(to.rawValue)", problems: [])
    }

    /// A draft broke one or more rules.
    public static func validation(_ problems: [FieldProblem]) -> HeraldError {
        let summary = problems.map { "\($0.field): \($0.problem)" }.joined(separator: "; ")
        return HeraldError(kind: .validation, message: summary, problems: problems)
    }

    /// The message's content was cleared by retention: there is nothing left to send again.
    public static let contentCleared = HeraldError(
        kind: .contentCleared,
        message: "its content was cleared (retention.message_content), so it cannot be sent again",
        problems: []
    )

    /// A setting is missing or out of range.
    public static func invalidConfiguration(_ message: String) -> HeraldError {
        HeraldError(kind: .invalidConfiguration, message: message, problems: [])
    }
}

/// One problem with one input field, named by its path (`metadata.reason`, `items[3].to`).
public struct FieldProblem: Sendable, Hashable, Codable {
    /// Machine-readable code for the kind of problem, such as `missing` or `invalid_url`.
    public var code: String
    public var field: String
    /// What is wrong, in words a person can act on.
    public var problem: String

    public init(field: String, code: String, problem: String) {
        self.field = field
        self.code = code
        self.problem = problem
    }
}
