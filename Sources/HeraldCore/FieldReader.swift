/// Typed reads from a JSON object, collecting a ``FieldProblem`` for each field of the wrong
/// type instead of stopping at the first; `null` counts as absent.
public struct FieldReader: Sendable {
    public let object: [String: JSONValue]
    /// Every problem found so far.
    public private(set) var problems: [FieldProblem] = []
    /// Prefixed to field names in problems, such as `config.`.
    private let prefix: String

    public init(object: [String: JSONValue], prefix: String = "") {
        self.object = object
        self.prefix = prefix
    }

    /// A string field; a string holding NUL is refused (PostgreSQL text cannot hold it).
    public mutating func string(_ name: String) -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let text)? where text.utf8.contains(0):
            problems += FieldProblem.characters(of: text, field: prefix + name)
            return nil
        case .string(let text)?: return text
        default:
            wrongType(name, "a string")
            return nil
        }
    }

    /// A string or a number, as text (ids that clients send either way, such as `outlet_id`).
    public mutating func identifier(_ name: String) -> String? {
        switch object[name] {
        case .integer(let number)?: return String(number)
        case .number(let number)? where number == number.rounded() && abs(number) < 1e15: return String(Int64(number))
        case nil, .null?, .string?: return string(name)
        default:
            wrongType(name, "a string or a whole number")
            return nil
        }
    }

    public mutating func integer(_ name: String) -> Int? {
        switch object[name] {
        case nil, .null?: return nil
        case let value? where value.integerValue != nil: return value.integerValue
        default:
            wrongType(name, "a whole number")
            return nil
        }
    }

    public mutating func bool(_ name: String) -> Bool? {
        switch object[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default:
            wrongType(name, "true or false")
            return nil
        }
    }

    /// A JSON object field.
    public mutating func object(_ name: String) -> [String: JSONValue]? {
        switch object[name] {
        case nil, .null?: return nil
        case .object(let fields)?: return fields
        default:
            wrongType(name, "a JSON object")
            return nil
        }
    }

    /// An array of strings (numbers are taken as their text).
    public mutating func identifiers(_ name: String) -> [String]? {
        switch object[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            var texts: [String] = []
            for (index, item) in items.enumerated() {
                // Inside a list a null is not "absent": it is a wrong item.
                guard item != .null else {
                    wrongType("\(name)[\(index)]", "a string or a whole number")
                    continue
                }
                var reader = FieldReader(object: ["\(name)[\(index)]": item], prefix: prefix)
                if let text = reader.identifier("\(name)[\(index)]") { texts.append(text) }
                problems += reader.problems
            }
            return texts
        default:
            wrongType(name, "an array of strings")
            return nil
        }
    }

    /// Any JSON value.
    public func value(_ name: String) -> JSONValue? {
        switch object[name] {
        case nil, .null?: nil
        case let value?: value
        }
    }

    /// Adds a problem of the caller's own.
    public mutating func report(_ problem: FieldProblem) {
        problems.append(problem)
    }

    private mutating func wrongType(_ name: String, _ expected: String) {
        problems.append(FieldProblem(field: prefix + name, code: "wrong_type", problem: "must be \(expected)"))
    }
}

extension FieldProblem {
    /// A string field's characters: PostgreSQL text cannot hold U+0000, so refusing it here keeps
    /// one bad field from failing a whole group commit on any driver.
    public static func characters(of text: String, field: String) -> [FieldProblem] {
        guard text.utf8.contains(0) else { return [] }
        return [FieldProblem(field: field, code: "invalid_character", problem: "must not contain the NUL character (\\u0000)")]
    }
}
