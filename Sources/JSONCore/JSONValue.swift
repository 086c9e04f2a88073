/// A JSON value: the currency of records, queries, arguments and webhook payloads.
///
/// Numbers are stored as `Double` (JSON's own model); integral values within ±2^53 are written without a fraction.
/// A whole number beyond ±2^53 that fits in 64 bits (a large id, 2^63 − 1 at most) is kept exactly as ``integer(_:)``:
/// the parser makes one for such a literal, serialization writes its digits, and it equals a `.number` of the same
/// value. Arithmetic on it (``numberValue``) uses the nearest double.
/// Objects keep their members in a dictionary: equality ignores member order, as JSON does.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    /// A whole number too large for a double to hold exactly (|n| > 2^53).
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// The string, when this value is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number, when this value is a number.
    public var numberValue: Double? {
        switch self {
        case .number(let n): n
        case .integer(let i): Double(i)
        default: nil
        }
    }

    /// The number when it is a whole number exactly representable as a double (|n| ≤ 2^53): what an id or a
    /// timestamp read from someone else's JSON may safely become. `1e300`, `1.5`, NaN and non-numbers give nil, never
    /// a trap.
    public var integerValue: Int64? {
        switch self {
        case .number(let n): Self.exactInteger(n)
        case .integer(let i): i
        default: nil
        }
    }

    /// A whole number as JSON keeps it: `.number` within ±2^53, `.integer` beyond.
    public static func whole(_ i: Int64) -> JSONValue {
        i.magnitude <= 9_007_199_254_740_992 ? .number(Double(i)) : .integer(i)
    }

    /// The Boolean, when this value is a Boolean.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The members, when this value is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The elements, when this value is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Member lookup for objects; `nil` for anything else.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// Follows a dot-separated path (`a.b.c`) through nested objects; array elements are addressed by index (`a.0`).
    public func value(atPath path: some StringProtocol) -> JSONValue? {
        var current = self
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .object(let o):
                guard let next = o[String(part)] else { return nil }
                current = next
            case .array(let a):
                guard let index = Int(part), a.indices.contains(index) else { return nil }
                current = a[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The JSON type name as JSON Schema spells it (`null`, `boolean`, `number`, `string`, `array`, `object`).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number, .integer: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members = [String: JSONValue](minimumCapacity: elements.count)
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
}

extension JSONValue: Hashable {
    /// JSON equality: strings are equal when their code points are (not merely canonically equivalent, as Swift's
    /// `String` equality has it), numbers by value, objects regardless of member order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)): return Int64(exactly: b) == a
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        // Whole numbers hash as integers, so that a `.number` and an `.integer` that are equal hash alike.
        case .number(let n):
            if let i = Int64(exactly: n) { hasher.combine(i) } else { hasher.combine(n) }
        case .integer(let i): hasher.combine(i)
        case .string(let s): for byte in s.utf8 { hasher.combine(byte) }
        case .array(let a): hasher.combine(a)
        case .object(let o): hasher.combine(o)
        }
    }
}
