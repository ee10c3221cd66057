/// A free-form JSON value, used for message payloads and metadata.
///
/// Whole numbers that fit 64 bits are kept exactly (`integer`), so an order id such as
/// 12345678901234567890 is not rounded on its way through Herald; other numbers are doubles.
/// `.integer(3) == .number(3)`: the two cases compare by value.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes any JSON value. A decoder cannot say what kind of value comes next, so each kind
    /// is tried in turn; each miss throws (and costs), so the kinds a message body is mostly made
    /// of — strings and objects — are tried first. Whole numbers are tried before other numbers.
    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(String.self) {
            self = .string(value)
        } else if let object = try? decoder.container(keyedBy: AnyCodingKey.self) {
            var fields: [String: JSONValue] = [:]
            fields.reserveCapacity(object.allKeys.count)
            for key in object.allKeys {
                fields[key.stringValue] = try object.decode(JSONValue.self, forKey: key)
            }
            self = .object(fields)
        } else if let value = try? single.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else {
            var array = try decoder.unkeyedContainer()
            var elements: [JSONValue] = []
            if let count = array.count { elements.reserveCapacity(count) }
            while !array.isAtEnd {
                elements.append(try array.decode(JSONValue.self))
            }
            self = .array(elements)
        }
    }

    /// Any object key.
    private struct AnyCodingKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            nil
        }
    }

    /// Encodes the value. Members of objects and arrays that are not themselves containers are
    /// written through their container's own typed methods: an encoder handles those without
    /// the nested encoder a generic value costs it.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let fields):
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            for (name, value) in fields {
                let key = AnyCodingKey(stringValue: name)
                switch value {
                case .null: try container.encodeNil(forKey: key)
                case .bool(let value): try container.encode(value, forKey: key)
                case .integer(let value): try container.encode(value, forKey: key)
                case .number(let value):
                    if let whole = Self.wholeNumber(value) { try container.encode(whole, forKey: key) } else { try container.encode(value, forKey: key) }
                case .string(let value): try container.encode(value, forKey: key)
                case .array, .object: try container.encode(value, forKey: key)
                }
            }
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for value in elements {
                switch value {
                case .null: try container.encodeNil()
                case .bool(let value): try container.encode(value)
                case .integer(let value): try container.encode(value)
                case .number(let value):
                    if let whole = Self.wholeNumber(value) { try container.encode(whole) } else { try container.encode(value) }
                case .string(let value): try container.encode(value)
                case .array, .object: try container.encode(value)
                }
            }
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .integer(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let value):
            var container = encoder.singleValueContainer()
            if let whole = Self.wholeNumber(value) { try container.encode(whole) } else { try container.encode(value) }
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        }
    }

    /// A double with no fractional part, small enough to be exact, written as a whole number.
    private static func wholeNumber(_ value: Double) -> Int64? {
        value.rounded() == value && abs(value) < 9e15 ? Int64(value) : nil
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)): Double(a) == b && b.rounded() == b && Int64(exactly: b) == a
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        // Integers and equal doubles must hash alike.
        case .integer(let value): hasher.combine(Double(value))
        case .number(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let value): hasher.combine(value)
        case .object(let value): hasher.combine(value)
        }
    }

    /// The value when this is a number with no fractional part that fits an `Int`.
    public var integerValue: Int? {
        switch self {
        case .integer(let value): Int(exactly: value)
        case .number(let value): value.rounded() == value ? Int(exactly: value) : nil
        default: nil
        }
    }

    /// The value when this is any number.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// The member named `key` when this is an object.
    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The text when this is a string.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The dictionary when this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Compact JSON text with sorted keys.
    public var jsonText: String { JSONWriter.string(self) }

    /// Decodes JSON text; `nil` when it is not valid JSON (``JSONParser`` says why).
    public static func decode(_ data: some Collection<UInt8>) -> JSONValue? {
        try? JSONParser.parse(data)
    }
}
