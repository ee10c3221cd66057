import HeraldCore

/// Checks shared by every channel's profile settings.
enum ProfileFields {
    /// A problem for each setting the channel does not know (a typo would otherwise be kept and ignored).
    static func unknown(in config: [String: JSONValue], known: Set<String>) -> [FieldProblem] {
        config.keys.filter { !known.contains($0) }.sorted().map {
            FieldProblem(field: "config.\($0)", code: "unknown_field", problem: "is not a setting of this channel; known: \(known.sorted().joined(separator: ", "))")
        }
    }

    /// The problem for a required setting that is missing.
    static func missing(_ name: String, _ what: String) -> FieldProblem {
        FieldProblem(field: "config.\(name)", code: "missing", problem: "is required: \(what)")
    }

    /// Why `text` cannot be a base URL, or `nil` when it can.
    static func baseURLProblem(_ text: String) -> FieldProblem? {
        guard let problem = WebhookChannel.urlProblem(text) else { return nil }
        return FieldProblem(field: "config.base_url", code: "invalid_url", problem: problem)
    }
}
