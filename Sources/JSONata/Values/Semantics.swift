import Foundation

/// JSONata's value semantics: truthiness, equality, field lookup, sequence appending.
enum Semantics {
    /// A finite number; infinite values are an error (D1001) wherever a number is checked.
    static func isNumeric(_ v: Value?) throws(JSONataError) -> Bool {
        if case .integer? = v { return true }
        guard case .number(let n)? = v else { return false }
        if n.isNaN { return false }
        if !n.isFinite { throw JSONataError("D1001", token: nil) }
        return true
    }

    static func isArrayOfNumbers(_ a: JArray) throws(JSONataError) -> Bool {
        for v in a.items where !(try isNumeric(v)) { return false }
        return true
    }

    static func isArrayOfStrings(_ a: JArray) -> Bool { a.items.allSatisfy(\.isString) }

    /// `$boolean` (nil for undefined).
    static func boolean(_ v: Value?) throws(JSONataError) -> Bool? {
        guard let v else { return nil }
        switch v {
        case .array(let a):
            if a.items.count == 1 { return try boolean(a.items[0]) }
            for item in a.items where try boolean(item) == true { return true }
            return false
        case .string(let s): return !s.isEmpty
        case .number(let n): return try isNumeric(v) && n != 0
        case .integer(let i): return i != 0
        case .object(let o): return !o.isEmpty
        case .bool(let b): return b
        case .null, .function: return false
        }
    }

    /// A field of an object, or of every object in an array (results flattened one level).
    static func lookup(_ input: Value?, _ key: String) -> Value? {
        switch input {
        case .array(let a)?:
            var result: [Value] = []
            for item in a.items {
                guard let res = lookup(item, key) else { continue }
                if case .array(let inner) = res { result.append(contentsOf: inner.items) } else { result.append(res) }
            }
            return .sequence(result)
        case .object(let o)?:
            return o[key]
        default:
            return nil
        }
    }

    static func flatten(_ v: Value) -> [Value] {
        guard case .array(let a) = v else { return [v] }
        return a.items.flatMap(flatten)
    }

    /// `$append`: concatenation, single values promoted, undefined ignored.
    static func append(_ a: Value?, _ b: Value?) -> Value? {
        guard let a else { return b }
        guard let b else { return a }
        var items: [Value]
        var sequence = false
        if case .array(let x) = a {
            items = x.items
        } else {
            items = [a]
            sequence = true
        }
        if case .array(let y) = b { items.append(contentsOf: y.items) } else { items.append(b) }
        _ = sequence
        return .list(items)
    }

    static func deepEqual(_ a: Value?, _ b: Value?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.null?, .null?): return true
        case (.bool(let x)?, .bool(let y)?): return x == y
        case (.number(let x)?, .number(let y)?): return x == y
        case (.integer(let x)?, .integer(let y)?): return x == y
        case (.integer(let x)?, .number(let y)?), (.number(let y)?, .integer(let x)?): return Int64(exactly: y) == x
        case (.string(let x)?, .string(let y)?): return x == y
        case (.array(let x)?, .array(let y)?):
            guard x.items.count == y.items.count else { return false }
            for (p, q) in zip(x.items, y.items) where !deepEqual(p, q) { return false }
            return true
        case (.object(let x)?, .object(let y)?):
            guard x.count == y.count else { return false }
            for (k, v) in x.pairs {
                guard let w = y[k], deepEqual(v, w) else { return false }
            }
            return true
        case (.function(let f)?, .function(let g)?): return f === g
        default: return false
        }
    }

    /// JavaScript's `===` as the `in` operator uses it: primitives by value, containers by identity.
    static func strictEqual(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.integer(let x), .number(let y)), (.number(let y), .integer(let x)): return Int64(exactly: y) == x
        case (.string(let x), .string(let y)): return x == y
        case (.object(let x), .object(let y)): return x === y
        case (.function(let f), .function(let g)): return f === g
        default: return false
        }
    }

    /// The name `$type` reports.
    static func typeName(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .bool: "boolean"
        case .number, .integer: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .function: "function"
        }
    }
}
