import Foundation
import JSONCore

/// The validation vocabulary: keywords that check a value without applying subschemas.
extension Evaluation {
    func assertions(_ o: [String: JSONValue], _ instance: JSONValue, _ c: Context, into r: inout EvalResult) {
        func fail(_ keyword: String, _ message: String, at path: String? = nil) {
            r.errors.append(error(path ?? c.instancePath, c.keyword(keyword), message))
        }
        if let type = o["type"] {
            let allowed: [String] = type.stringValue.map { [$0] } ?? (type.arrayValue?.compactMap(\.stringValue) ?? [])
            if !allowed.contains(where: { Self.isOfType(instance, $0) }) {
                fail("type", "must be \(allowed.joined(separator: " or ")), but is \(Self.typeName(instance))")
            }
        }
        if case .array(let options)? = o["enum"], !options.contains(instance) {
            fail("enum", "\(Self.show(instance)) is not one of \(JSONValue.array(options).jsonString())")
        }
        if let constant = o["const"], constant != instance {
            fail("const", "must be \(constant.jsonString())")
        }
        switch instance {
        case .number(let n): numbers(o, n, fail: fail)
        case .integer(let i): numbers(o, Double(i), fail: fail)
        case .string(let s):
            strings(o, s, fail: fail)
            if c.node.draft == .draft7, let message = Content.check(o, s) { fail("contentMediaType", message) }
        case .array(let a): arrays(o, a, c, draft7: c.node.draft == .draft7, fail: fail)
        case .object(let m): objects(o, m, c, fail: fail)
        default: break
        }
    }

    private func numbers(_ o: [String: JSONValue], _ n: Double, fail: (String, String, String?) -> Void) {
        if case .number(let m)? = o["multipleOf"], m > 0, !Self.isMultiple(n, of: m) {
            fail("multipleOf", "\(JSONValue.format(number: n)) is not a multiple of \(JSONValue.format(number: m))", nil)
        }
        if case .number(let max)? = o["maximum"], n > max { fail("maximum", "must be at most \(JSONValue.format(number: max))", nil) }
        if case .number(let min)? = o["minimum"], n < min { fail("minimum", "must be at least \(JSONValue.format(number: min))", nil) }
        if case .number(let max)? = o["exclusiveMaximum"], n >= max {
            fail("exclusiveMaximum", "must be less than \(JSONValue.format(number: max))", nil)
        }
        if case .number(let min)? = o["exclusiveMinimum"], n <= min {
            fail("exclusiveMinimum", "must be greater than \(JSONValue.format(number: min))", nil)
        }
    }

    private func strings(_ o: [String: JSONValue], _ s: String, fail: (String, String, String?) -> Void) {
        let length = s.unicodeScalars.count
        if case .number(let max)? = o["maxLength"], Double(length) > max {
            fail("maxLength", "must be at most \(JSONValue.format(number: max)) characters long", nil)
        }
        if case .number(let min)? = o["minLength"], Double(length) < min {
            fail("minLength", "must be at least \(JSONValue.format(number: min)) characters long", nil)
        }
        if case .string(let pattern)? = o["pattern"] {
            switch match(pattern, s) {
            case .match: break
            case .noMatch: fail("pattern", "\(Self.show(.string(s))) does not match the pattern \(pattern)", nil)
            case .outOfTime: fail("pattern", "the pattern \(pattern) took too long to match (it backtracks catastrophically); simplify it", nil)
            }
        }
    }

    private func arrays(_ o: [String: JSONValue], _ a: [JSONValue], _ c: Context, draft7: Bool, fail: (String, String, String?) -> Void) {
        if case .number(let max)? = o["maxItems"], Double(a.count) > max {
            fail("maxItems", "must have at most \(JSONValue.format(number: max)) items", nil)
        }
        if case .number(let min)? = o["minItems"], Double(a.count) < min {
            fail("minItems", "must have at least \(JSONValue.format(number: min)) items", nil)
        }
        if case .bool(true)? = o["uniqueItems"] {
            outer: for i in a.indices {
                for j in a.indices where j > i && a[i] == a[j] {
                    fail("uniqueItems", "items \(i) and \(j) are equal; items must be unique", nil)
                    break outer
                }
            }
        }
    }

    private func objects(_ o: [String: JSONValue], _ m: [String: JSONValue], _ c: Context, fail: (String, String, String?) -> Void) {
        if case .number(let max)? = o["maxProperties"], Double(m.count) > max {
            fail("maxProperties", "must have at most \(JSONValue.format(number: max)) properties", nil)
        }
        if case .number(let min)? = o["minProperties"], Double(m.count) < min {
            fail("minProperties", "must have at least \(JSONValue.format(number: min)) properties", nil)
        }
        if case .array(let required)? = o["required"] {
            for case .string(let name) in required where m[name] == nil {
                fail("required", "is required", c.child(name))
            }
        }
        var dependent: [String: JSONValue] = o["dependentRequired"]?.objectValue ?? [:]
        if case .object(let deps)? = o["dependencies"] {
            for (k, v) in deps where v.arrayValue != nil { dependent[k] = v }
        }
        for (name, needs) in dependent where m[name] != nil {
            for case .string(let other) in needs.arrayValue ?? [] where m[other] == nil {
                fail(o["dependentRequired"] != nil ? "dependentRequired" : "dependencies", "is required when '\(name)' is present", c.child(other))
            }
        }
    }

    static func isOfType(_ v: JSONValue, _ type: String) -> Bool {
        switch (type, v) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array), ("object", .object),
            ("number", .integer), ("integer", .integer):
            return true
        case ("integer", .number(let n)):
            return n.isFinite && n.rounded(.towardZero) == n
        default:
            return false
        }
    }

    static func typeName(_ v: JSONValue) -> String {
        if case .number(let n) = v, n.rounded(.towardZero) == n { return "integer" }
        if case .integer = v { return "integer" }
        return v.typeName
    }

    static func show(_ v: JSONValue) -> String {
        let text = v.jsonString()
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }

    static func isMultiple(_ n: Double, of m: Double) -> Bool {
        let q = n / m
        if q.isInfinite {
            // Overflow: an integer is a multiple of any m whose reciprocal is an integer.
            return n.rounded() == n && (1 / m).rounded() == 1 / m
        }
        if q.rounded() == q { return true }
        // Decimal fractions (0.0075 / 0.0001) are not exact in binary: allow the last bits of error.
        return abs(q - q.rounded()) < 1e-9 * max(1, abs(q))
    }
}
