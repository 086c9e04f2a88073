import Foundation

/// A JSONata value. `undefined` (no value) is Swift's `nil` wherever a `Value?` appears.
///
/// Not `Sendable`: objects are reference types that the transform operator updates in place, and functions close
/// over evaluation frames. A value belongs to the evaluation that made it; what crosses tasks is its JSON (for
/// SyncBridge, `JSONValue`).
public enum Value {
    case null
    case bool(Bool)
    case number(Double)
    /// A whole number too large for a double to hold exactly (|n| > 2^53), as it came in. Paths, constructors,
    /// variables, conditions, `=`, `in`, `&` and the result keep it exact; arithmetic, comparisons and every
    /// function see the nearest double (``forComputing``).
    case integer(Int64)
    case string(String)
    case array(JArray)
    case object(JObject)
    /// A lambda, a built-in, a partial application, a transform, or a regular expression.
    case function(JFunction)

    public var isNumber: Bool {
        switch self {
        case .number, .integer: true
        default: false
        }
    }
    public var isString: Bool { if case .string = self { true } else { false } }
    public var isArray: Bool { if case .array = self { true } else { false } }
    public var isObject: Bool { if case .object = self { true } else { false } }
    public var isFunction: Bool { if case .function = self { true } else { false } }

    public var number: Double? {
        switch self {
        case .number(let n): n
        case .integer(let i): Double(i)
        default: nil
        }
    }

    /// The value as arithmetic and functions see it: an ``integer(_:)`` becomes the nearest double, in an array's
    /// items too; anything else is unchanged.
    var forComputing: Value {
        switch self {
        case .integer(let i): return .number(Double(i))
        case .array(var a) where a.holdsInteger:
            a.setItems(a.items.map(\.forComputing))
            return .array(a)
        default: return self
        }
    }
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var arrayValue: JArray? { if case .array(let a) = self { a } else { nil } }
    public var objectValue: JObject? { if case .object(let o) = self { o } else { nil } }
    public var function: JFunction? { if case .function(let f) = self { f } else { nil } }

    /// Levels of arrays and objects: 0 for a scalar, 1 for `[1]` or `{}`, 2 for `[[1]]`. Kept by the containers as
    /// they are built, so reading it costs nothing (see ``Evaluator/maxNesting``).
    public var nesting: Int {
        switch self {
        case .array(let a): a.nesting
        case .object(let o): o.nesting
        default: 0
        }
    }

    /// What the value would cost written out in full, in units of about 16 bytes: one per scalar, array and object, plus
    /// a string's UTF-8 length over 16. Containers keep it as they are built, counting a shared member once per use,
    /// so a value made of the same object many times over weighs what converting or printing it would cost (see
    /// ``Evaluator/maxWeight``). Saturates instead of overflowing.
    public var weight: Int {
        switch self {
        case .array(let a): a.weight
        case .object(let o): o.weight
        case .string(let s): 1 + s.utf8.count >> 4
        default: 1
        }
    }

    /// A plain JSON array.
    public static func list(_ items: [Value]) -> Value { .array(JArray(items)) }
    /// A result sequence (flattened by paths, unwrapped when it holds one item).
    static func sequence(_ items: [Value] = []) -> Value { .array(JArray(items, sequence: true)) }
}

/// An array with the flags JSONata's evaluator keeps on arrays.
public struct JArray {
    public private(set) var items: [Value]
    /// One more than the deepest item's ``Value/nesting``.
    public private(set) var nesting: Int
    /// Some item is an ``Value/integer(_:)``: kept as the array is built, so ``Value/forComputing`` need not look.
    private(set) var holdsInteger: Bool
    /// One plus the items' ``Value/weight``.
    public private(set) var weight: Int
    /// A result sequence rather than a constructed JSON array.
    var sequence = false
    /// Keep as an array even when it holds one item (`[]` on a path step).
    var keepSingleton = false
    /// Built by an array constructor: not flattened into the enclosing path result.
    var cons = false
    /// `$eval`'s wrapper around an array focus.
    var outerWrapper = false
    /// A stream of variable-binding tuples (internal to path evaluation).
    var tupleStream = false

    public init(_ items: [Value] = []) {
        self.items = items
        (nesting, holdsInteger, weight) = Self.measure(items)
    }
    init(_ items: [Value], sequence: Bool) {
        self.init(items)
        self.sequence = sequence
    }

    /// The nesting of an array of `items`, whether one of them is an integer, and their weight, in one pass.
    static func measure(_ items: [Value]) -> (nesting: Int, holdsInteger: Bool, weight: Int) {
        var deepest = 0
        var integer = false
        var weight = 1
        for item in items {
            deepest = max(deepest, item.nesting)
            if case .integer = item { integer = true }
            weight = weight.saturatingAdd(item.weight)
        }
        return (deepest + 1, integer, weight)
    }

    /// Replaces the items, keeping the flags.
    mutating func setItems(_ items: [Value]) {
        self.items = items
        (nesting, holdsInteger, weight) = Self.measure(items)
    }

    public var count: Int { items.count }
    public var isEmpty: Bool { items.isEmpty }
    public subscript(i: Int) -> Value { items[i] }
    mutating func append(_ v: Value) {
        items.append(v)
        nesting = max(nesting, v.nesting + 1)
        if case .integer = v { holdsInteger = true }
        weight = weight.saturatingAdd(v.weight)
    }
}

extension Int {
    /// `self + other`, or `Int.max` where that would overflow (weights are never negative).
    func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self - other` for a weight that may have saturated: once at `Int.max` it stays there, since what it held is
    /// no longer known.
    func saturatingSubtract(_ other: Int) -> Int { self == .max ? .max : Swift.max(1, self - other) }
}

/// A JSON object that keeps its keys in insertion order, as JSONata's output does. A reference type, like
/// JavaScript's objects: the transform operator updates the matched objects of its clone in place. Objects reachable
/// from an expression's result are never changed afterwards.
public final class JObject {
    public private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]
    /// One more than the deepest member's ``Value/nesting`` (members removed or replaced may leave it higher).
    public private(set) var nesting = 1
    /// One plus the members' ``Value/weight`` (kept exact as members are added, replaced and removed).
    public private(set) var weight = 1

    public init() {}
    public init(_ pairs: [(String, Value)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if let old = storage.updateValue(newValue, forKey: key) { weight = weight.saturatingSubtract(old.weight) } else { keys.append(key) }
                nesting = max(nesting, newValue.nesting + 1)
                weight = weight.saturatingAdd(newValue.weight)
            } else if let old = storage.removeValue(forKey: key) {
                keys.removeAll { $0 == key }
                weight = weight.saturatingSubtract(old.weight)
            }
        }
    }

    /// Key-value pairs in order.
    public var pairs: [(String, Value)] { keys.map { ($0, storage[$0]!) } }

    /// A shallow copy.
    func copy() -> JObject {
        let o = JObject()
        o.keys = keys
        o.storage = storage
        o.nesting = nesting
        o.weight = weight
        return o
    }
}

/// A callable value.
public final class JFunction {
    enum Kind {
        case lambda(Lambda)
        case native(NativeFunction)
        case transform(Node, Frame)
        case regex(NSRegularExpression, source: String)
    }

    let kind: Kind
    /// Set where a call site names it, for error tokens.
    init(_ kind: Kind) { self.kind = kind }

    /// Number of declared parameters.
    var arity: Int {
        switch kind {
        case .lambda(let l): l.parameters.count
        case .native(let n): n.arity
        case .transform: 1
        case .regex: 1
        }
    }

    var signature: Signature? {
        switch kind {
        case .lambda(let l): l.signature
        case .native(let n): n.signature
        case .transform: Signature.transform
        case .regex: nil
        }
    }
}

/// A user-defined function (closure).
final class Lambda {
    let parameters: [String]
    let signature: Signature?
    let body: Node
    let input: Value?
    let environment: Frame
    /// A tail call packaged for the trampoline.
    let isThunk: Bool
    /// For partially applied built-ins: the built-in and the bound arguments (nil where still open).
    let partialOf: (NativeFunction, [Value??])?

    init(
        parameters: [String], signature: Signature?, body: Node, input: Value?, environment: Frame, isThunk: Bool = false,
        partialOf: (NativeFunction, [Value??])? = nil
    ) {
        self.parameters = parameters
        self.signature = signature
        self.body = body
        self.input = input
        self.environment = environment
        self.isThunk = isThunk
        self.partialOf = partialOf
    }
}

/// A built-in function.
struct NativeFunction {
    let name: String
    let signature: Signature?
    let arity: Int
    let body: (_ args: [Value?], _ call: CallContext) throws(JSONataError) -> Value?
}

/// What a built-in sees of its caller: the focus (context value) and the evaluator.
struct CallContext {
    let input: Value?
    let environment: Frame
    let evaluator: Evaluator
}

extension Value {
    /// The type name `$type` reports: null, boolean, number, string, array, object or function.
    public var typeName: String { Semantics.typeName(self) }

    /// JSON text (functions as `""`; numbers as JSONata prints them).
    public func jsonText(indent: Int? = nil) throws(JSONataError) -> String {
        var out = ""
        try JSONText.write(self, into: &out, indent: indent, level: 0)
        return out
    }
}
