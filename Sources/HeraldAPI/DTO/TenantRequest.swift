import Foundation
import HeraldCore

/// The body of `POST /api/v1/tenants` and `PATCH /api/v1/tenants/{id}`, checked field by field.
struct TenantRequest: Hashable, Sendable {
    var id: String?
    var name: String?
    var disabled: Bool?
    /// `.some(nil)` when the body clears the quota with `"quota": null`.
    var quota: Quota??
    /// `.some(nil)` when the body clears it with `"default_channel": null` (the server's default applies).
    var defaultChannel: String??
    /// `.some(nil)` when the body stops events with `"events_url": null`.
    var eventsURL: String??
    /// Its share of the sending capacity relative to the others' (`nil` leaves it as it is).
    var weight: Int?

    init(_ object: [String: JSONValue], creating: Bool) throws {
        var problems: [FieldProblem] = []
        var reader = FieldReader(object: object)
        id = reader.string("id")
        name = reader.string("name")
        problems += reader.problems
        switch object["disabled"] {
        case nil, .null?: disabled = nil
        case .bool(let flag)?: disabled = flag
        default: problems.append(FieldProblem(field: "disabled", code: "wrong_type", problem: "must be true or false"))
        }
        switch object["weight"] {
        case nil, .null?: weight = nil
        case let value? where value.integerValue.map(Tenant.weights.contains) == true: weight = value.integerValue
        default:
            problems.append(FieldProblem(
                field: "weight", code: "invalid", problem: "must be a whole number from \(Tenant.weights.lowerBound) to \(Tenant.weights.upperBound)"
            ))
        }
        switch object["default_channel"] {
        case nil: defaultChannel = nil
        case .null?: defaultChannel = .some(nil)
        case .string(let name)?: defaultChannel = .some(name)
        default: problems.append(FieldProblem(field: "default_channel", code: "wrong_type", problem: "must be a channel name or null"))
        }
        switch object["events_url"] {
        case nil: eventsURL = nil
        case .null?: eventsURL = .some(nil)
        case .string(let url)?:
            if let problem = Self.eventsURLProblem(url) {
                problems.append(FieldProblem(field: "events_url", code: "invalid_url", problem: problem))
            } else {
                eventsURL = .some(url)
            }
        default: problems.append(FieldProblem(field: "events_url", code: "wrong_type", problem: "must be an http(s) URL or null"))
        }
        switch object["quota"] {
        case nil: quota = nil
        case .null?: quota = .some(nil)
        case .object(let fields)?:
            let limit = fields["limit"]?.integerValue.flatMap { $0 >= 0 ? $0 : nil }
            let period = fields["period"]?.stringValue.flatMap(Quota.Period.init(rawValue:))
            if limit == nil {
                problems.append(FieldProblem(field: "quota.limit", code: "wrong_type", problem: "must be a whole number, 0 or more"))
            }
            if period == nil {
                problems.append(FieldProblem(field: "quota.period", code: "invalid", problem: "must be \"day\" or \"month\""))
            }
            if let limit, let period { quota = .some(Quota(limit: limit, period: period)) }
        default:
            problems.append(FieldProblem(field: "quota", code: "wrong_type", problem: "must be {\"limit\": n, \"period\": \"day\"|\"month\"} or null"))
        }
        if creating {
            if let id, !Tenant.isValidID(id) {
                problems.append(FieldProblem(field: "id", code: "invalid", problem: "must be 1–64 of a-z, 0-9, - and _, starting with a letter or digit"))
            } else if id == nil {
                id = Tenant.generateID()
            }
        } else if id != nil {
            problems.append(FieldProblem(field: "id", code: "read_only", problem: "a tenant's id cannot change"))
        }
        if let name, name.isEmpty || name.count > 200 {
            problems.append(FieldProblem(field: "name", code: "invalid_length", problem: "must be 1 to 200 characters"))
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
    }

    /// Why `text` cannot be an events URL, or `nil` when it can.
    private static func eventsURLProblem(_ text: String) -> String? {
        guard text.utf8.count <= 2048, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https"
        else { return "must be an http:// or https:// URL of at most 2,048 bytes" }
        guard let host = components.host, !host.isEmpty else { return "the URL has no host" }
        // A URI is ASCII: anything else percent-encoded, an internationalised host as xn--….
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            return "must be plain ASCII (percent-encode other characters; write an internationalised host in its xn-- form)"
        }
        return nil
    }
}
