import Foundation

/// Evaluates a compiled tree against one input. One evaluator per evaluation: it carries the depth and time limits
/// and the evaluation's fixed `$now`.
final class Evaluator {
    let maxDepth: Int
    let deadline: ContinuousClock.Instant?
    let timestamp: Date
    var depth = 0
    var steps = 0
    /// The evaluation's share of the thread's stack: past it, U1001 as for ``maxDepth``.
    let stack: StackBudget

    init(maxDepth: Int, timeLimit: Duration?, timestamp: Date, stackBytes: Int = StackBudget.defaultBytes) {
        self.stack = StackBudget(bytes: stackBytes)
        self.maxDepth = maxDepth
        self.deadline = timeLimit.map { ContinuousClock.now + $0 }
        self.timestamp = timestamp
    }

    /// Deepest nesting of arrays and objects a value may reach (JSON input is at most 512 levels deep).
    static let maxNesting = 1_000

    func checkLimits(_ node: Node) throws(JSONataError) {
        if depth > maxDepth || stack.isExhausted() { throw JSONataError("U1001", position: node.position) }
        steps &+= 1
        if steps & 0xFF == 0, let error = interruption(at: node.position) { throw error }
    }

    /// The time limit passed (U1002) or the evaluation's task was cancelled (U1003); nil to go on.
    func interruption(at position: Int) -> JSONataError? {
        if let deadline, ContinuousClock.now > deadline { return JSONataError("U1002", position: position) }
        if Task.isCancelled { return JSONataError("U1003", position: position, message: "Evaluation was cancelled") }
        return nil
    }

    /// A matcher for `regex` that this evaluation's limits can stop.
    func matcher(_ regex: NSRegularExpression) -> RegexMatcher {
        RegexMatcher(regex: regex, interruption: { [unowned self] in self.interruption(at: 0) })
    }

    func evaluate(_ expr: Node, _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        depth += 1
        defer { depth -= 1 }
        try checkLimits(expr)
        var result: Value?
        switch expr.kind {
        case .path: result = try evaluatePath(expr, input, env)
        case .binary: result = try evaluateBinary(expr, input, env)
        case .unary: result = try evaluateUnary(expr, input, env)
        case .name: result = Semantics.lookup(input, expr.value)
        case .string, .number, .value: result = expr.literal
        case .wildcard: result = evaluateWildcard(input)
        case .descendant: result = evaluateDescendants(input)
        case .parent: result = env.lookup(expr.slot!.label)
        case .condition:
            let condition = try evaluate(expr.condition!, input, env)
            if try Semantics.boolean(condition) == true {
                result = try evaluate(expr.then!, input, env)
            } else if let otherwise = expr.otherwise {
                result = try evaluate(otherwise, input, env)
            }
        case .coalesce:
            result = try evaluate(expr.condition!, input, env)
            if result == nil { result = try evaluate(expr.otherwise!, input, env) }
        case .elvis:
            result = try evaluate(expr.condition!, input, env)
            if try Semantics.boolean(result) != true { result = try evaluate(expr.otherwise!, input, env) }
        case .block:
            let frame = Frame(parent: env)
            for e in expr.expressions { result = try evaluate(e, input, frame) }
        case .bind:
            result = try evaluate(expr.rhs!, input, env)
            env.bind(expr.lhs!.value, result)
        case .regex: result = .function(JFunction(.regex(expr.regex!, source: expr.value)))
        case .function: result = try evaluateFunction(expr, input, env, applyTo: nil)
        case .variable:
            if expr.value.isEmpty {
                if case .array(let a)? = input, a.outerWrapper, let first = a.items.first { result = first } else { result = input }
            } else {
                result = env.lookup(expr.value)
            }
        case .lambda:
            let lambda = Lambda(
                parameters: expr.arguments.map(\.value), signature: expr.signature, body: expr.body!, input: input, environment: env,
                isThunk: expr.thunk
            )
            result = .function(JFunction(.lambda(lambda)))
        case .partial: result = try evaluatePartialApplication(expr, input, env)
        case .apply: result = try evaluateApply(expr, input, env)
        case .transform: result = .function(JFunction(.transform(expr, env)))
        case .sort:
            result = try evaluateSort(expr, input, env)
        case .operator, .end:
            throw JSONataError("S0206", position: expr.position, token: expr.value)
        }
        if let predicate = expr.predicate {
            for stage in predicate {
                if case .filter(let p, _) = stage { result = try evaluateFilter(p, result, env) }
            }
        }
        if expr.kind != .path, let group = expr.group {
            result = try evaluateGroup(group, result, env)
        }
        try checkSize(result, at: expr.position)
        if case .array(var a)? = result, a.sequence, !a.tupleStream {
            if expr.keepArray { a.keepSingleton = true }
            if a.items.isEmpty { return nil }
            if a.items.count == 1 && !a.keepSingleton { return a.items[0] }
            return .array(a)
        }
        return result
    }

    func evaluateWildcard(_ input: Value?) -> Value {
        var results: [Value] = []
        var input = input
        if case .array(let a)? = input, a.outerWrapper, let first = a.items.first { input = first }
        switch input {
        case .object(let o)?:
            for (_, value) in o.pairs {
                if case .array = value {
                    results.append(contentsOf: Semantics.flatten(value))
                } else {
                    results.append(value)
                }
            }
        case .array(let a)?:
            for value in a.items {
                if case .array = value { results.append(contentsOf: Semantics.flatten(value)) } else { results.append(value) }
            }
        default: break
        }
        return .sequence(results)
    }

    func evaluateDescendants(_ input: Value?) -> Value? {
        guard let input else { return nil }
        var results: [Value] = []
        func recurse(_ v: Value) {
            switch v {
            case .array(let a): for m in a.items { recurse(m) }
            case .object(let o):
                results.append(v)
                for (_, value) in o.pairs { recurse(value) }
            default: results.append(v)
            }
        }
        recurse(input)
        return results.count == 1 ? results[0] : .sequence(results)
    }
}
