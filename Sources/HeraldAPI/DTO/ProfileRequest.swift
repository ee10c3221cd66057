import HeraldCore

/// A sender profile's body, read field by field: `{"name", "channel", "config", "outlet_ids",
/// "default", "dry_run"}`. Creating needs `name`, `channel` and `config`; changing takes any of
/// them but `channel`, and merges `config` key by key (a null removes a key).
struct ProfileRequest {
    var name: String?
    var channel: String?
    var config: [String: JSONValue]?
    var outletIDs: [String]?
    var isDefault: Bool?
    var dryRun: Bool?
    private(set) var problems: [FieldProblem] = []

    init(_ object: [String: JSONValue], creating: Bool) {
        var reader = FieldReader(object: object)
        name = reader.string("name")
        channel = reader.string("channel")
        config = reader.object("config")
        outletIDs = reader.identifiers("outlet_ids")
        isDefault = reader.bool("default")
        dryRun = reader.bool("dry_run")
        problems = reader.problems
        if let name, !SenderProfile.isValidName(name) {
            problems.append(FieldProblem(field: "name", code: "invalid_name", problem: "must be 1 to 64 of A-Z, a-z, 0-9, '-', '_' and '.'"))
        }
        if let outletIDs, outletIDs.contains(where: { $0.isEmpty || $0.count > 2048 }) {
            problems.append(FieldProblem(field: "outlet_ids", code: "invalid_length", problem: "each outlet id must be 1 to 2048 characters"))
        }
        if let outletIDs, Set(outletIDs).count != outletIDs.count {
            problems.append(FieldProblem(field: "outlet_ids", code: "duplicate", problem: "lists an outlet twice"))
        }
        let known: Set<String> = ["name", "channel", "config", "outlet_ids", "default", "dry_run"]
        for field in object.keys.sorted() where !known.contains(field) {
            problems.append(FieldProblem(field: field, code: "unknown_field", problem: "is not a profile field; known: \(known.sorted().joined(separator: ", "))"))
        }
        if creating {
            for (field, present) in [("name", name != nil), ("channel", channel != nil), ("config", config != nil)] where !present {
                if !problems.contains(where: { $0.field == field }) {
                    problems.append(FieldProblem(field: field, code: "missing", problem: "is required"))
                }
            }
        } else if channel != nil {
            problems.append(FieldProblem(field: "channel", code: "read_only", problem: "a profile's channel cannot change; make a new profile"))
        }
    }

    /// `stored` with this request's changes: `config` merged key by key, a null removing a key.
    func merged(into stored: [String: JSONValue]) -> [String: JSONValue] {
        var merged = stored
        for (key, value) in config ?? [:] {
            merged[key] = value == .null ? nil : value
        }
        return merged
    }
}
