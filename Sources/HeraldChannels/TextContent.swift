import HeraldCore

/// The text a provider message carries (`content`): given, and within the provider's length.
enum TextContent {
    /// The problem with `content`, if any.
    /// - Parameters:
    ///   - limit: the longest text the provider takes, in characters.
    ///   - missing: what to say when there is none.
    static func problem(_ content: String?, limit: Int, missing: String) -> FieldProblem? {
        guard let content else { return FieldProblem(field: "content", code: "missing_content", problem: missing) }
        guard content.isEmpty || content.count > limit else { return nil }
        return FieldProblem(field: "content", code: "invalid_length", problem: "must be 1 to \(limit) characters")
    }
}
