import Foundation

/// Binary and unary operators, array and object constructors, the range and `in` operators.
extension Evaluator {
    func evaluateBinary(_ expr: Node, _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        let lhs = try evaluate(expr.lhs!, input, env)
        let op = expr.value
        do throws(JSONataError) {
            if op == "and" || op == "or" {
                let l = try Semantics.boolean(lhs) == true
                if op == "and" { return .bool(l ? try Semantics.boolean(try evaluate(expr.rhs!, input, env)) == true : false) }
                return .bool(l ? true : try Semantics.boolean(try evaluate(expr.rhs!, input, env)) == true)
            }
            let rhs = try evaluate(expr.rhs!, input, env)
            switch op {
            case "+", "-", "*", "/", "%": return try arithmetic(lhs, rhs, op)
            case "=": return (lhs == nil || rhs == nil) ? .bool(false) : .bool(Semantics.deepEqual(lhs, rhs))
            case "!=": return (lhs == nil || rhs == nil) ? .bool(false) : .bool(!Semantics.deepEqual(lhs, rhs))
            case "<", "<=", ">", ">=": return try compare(lhs, rhs, op)
            case "&":
                let l = try lhs.map { v throws(JSONataError) in try Functions.string(v) } ?? ""
                let r = try rhs.map { v throws(JSONataError) in try Functions.string(v) } ?? ""
                try admitString(bytes: l.utf8.count + r.utf8.count, at: expr.position)
                return .string(l + r)
            case "..": return try range(lhs, rhs)
            case "in":
                guard let lhs, let rhs else { return .bool(false) }
                let items: [Value] = rhs.arrayValue?.items ?? [rhs]
                return .bool(items.contains { Semantics.strictEqual($0, lhs) })
            default: throw JSONataError("S0204", position: expr.position, token: op)
            }
        } catch {
            throw error.at(expr.position, token: op)
        }
    }

    func arithmetic(_ lhs: Value?, _ rhs: Value?, _ op: String) throws(JSONataError) -> Value? {
        let (lhs, rhs) = (lhs?.forComputing, rhs?.forComputing)
        if let lhs, !(try Semantics.isNumeric(lhs)) { throw JSONataError("T2001") }
        if let rhs, !(try Semantics.isNumeric(rhs)) { throw JSONataError("T2002") }
        guard case .number(let l)? = lhs, case .number(let r)? = rhs else { return nil }
        switch op {
        case "+": return .number(l + r)
        case "-": return .number(l - r)
        case "*": return .number(l * r)
        case "/": return .number(l / r)
        default: return .number(fmod(l, r))
        }
    }

    func compare(_ lhs: Value?, _ rhs: Value?, _ op: String) throws(JSONataError) -> Value? {
        let (lhs, rhs) = (lhs?.forComputing, rhs?.forComputing)
        func comparable(_ v: Value?) -> Bool {
            switch v {
            case nil, .string?, .number?: true
            default: false
            }
        }
        if !comparable(lhs) || !comparable(rhs) { throw JSONataError("T2010") }
        guard let lhs, let rhs else { return nil }
        switch (lhs, rhs) {
        case (.number(let l), .number(let r)):
            switch op {
            case "<": return .bool(l < r)
            case "<=": return .bool(l <= r)
            case ">": return .bool(l > r)
            default: return .bool(l >= r)
            }
        case (.string(let l), .string(let r)):
            let c = Functions.compareStrings(l, r)
            switch op {
            case "<": return .bool(c < 0)
            case "<=": return .bool(c <= 0)
            case ">": return .bool(c > 0)
            default: return .bool(c >= 0)
            }
        default: throw JSONataError("T2009")
        }
    }

    func range(_ lhs: Value?, _ rhs: Value?) throws(JSONataError) -> Value? {
        let (lhs, rhs) = (lhs?.forComputing, rhs?.forComputing)
        func isInteger(_ v: Value) -> Bool { if case .number(let n) = v { n.isFinite && n == n.rounded() } else { false } }
        if let lhs, !isInteger(lhs) { throw JSONataError("T2003") }
        if let rhs, !isInteger(rhs) { throw JSONataError("T2004") }
        guard case .number(let l)? = lhs, case .number(let r)? = rhs, l <= r else { return nil }
        let size = r - l + 1
        if size > 1e7 { throw JSONataError("D2014") }
        // Doubles, not Ints: the ends may be integers far past Int's range (`[1e19..1e19]` is `[1e19]`).
        return .sequence((0..<Int(size)).map { .number(l + Double($0)) })
    }

    func evaluateUnary(_ expr: Node, _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        switch expr.value {
        case "-":
            guard let v = try evaluate(expr.expression!, input, env)?.forComputing else { return nil }
            guard try Semantics.isNumeric(v), case .number(let n) = v else { throw JSONataError("D1002", position: expr.position, token: "-") }
            return .number(-n)
        case "[":
            var items: [Value] = []
            for item in expr.expressions {
                guard let value = try evaluate(item, input, env) else { continue }
                if item.kind == .unary && item.value == "[" {
                    items.append(value)
                } else if case .array(let a) = value {
                    items.append(contentsOf: a.items)
                } else {
                    items.append(value)
                }
            }
            var a = JArray(items)
            if expr.consarray { a.cons = true }
            return .array(a)
        case "{":
            return try evaluateGroup(Node.Group(pairs: expr.pairs, position: expr.position), input, env)
        default:
            throw JSONataError("S0211", position: expr.position, token: expr.value)
        }
    }
}
