import Foundation

/// Function calls: built-ins and lambdas, signatures, tail calls (trampoline), partial application and `~>`.
extension Evaluator {
    func evaluateFunction(_ expr: Node, _ input: Value?, _ env: Frame, applyTo: Value??) throws(JSONataError) -> Value? {
        let procedure = expr.procedure!
        let proc = try evaluate(procedure, input, env)
        let procName = procedure.kind == .path ? procedure.steps[0].value : procedure.value
        if proc == nil, procedure.kind == .path, env.lookup(procedure.steps[0].value) != nil {
            throw JSONataError(
                "T1005", position: expr.position, token: procName, message: "Attempted to invoke a non-function. Did you mean $\(procName)?")
        }
        var args: [Value?] = []
        if let applyTo { args.append(applyTo) }
        for a in expr.arguments { args.append(try evaluate(a, input, env)) }
        do {
            return try apply(proc, args, input, env)
        } catch {
            throw error.at(expr.position, token: procName)
        }
    }

    /// Applies a function value, running tail calls in a loop instead of recursing.
    func apply(_ proc: Value?, _ args: [Value?], _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        var result = try applyInner(proc, args, input, env)
        while case .function(let f)? = result, case .lambda(let thunk) = f.kind, thunk.isThunk {
            let call = thunk.body
            let next = try evaluate(call.procedure!, thunk.input, thunk.environment)
            var nextArgs: [Value?] = []
            for a in call.arguments { nextArgs.append(try evaluate(a, thunk.input, thunk.environment)) }
            do {
                result = try applyInner(next, nextArgs, input, env)
            } catch {
                let name = call.procedure!.kind == .path ? call.procedure!.steps[0].value : call.procedure!.value
                throw error.at(call.position, token: name)
            }
        }
        return result
    }

    func applyInner(_ proc: Value?, _ args: [Value?], _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        guard case .function(let f)? = proc else { throw JSONataError("T1006") }
        let validated = try f.signature?.validate(args, context: input) ?? args
        switch f.kind {
        case .lambda(let lambda):
            return try applyProcedure(lambda, validated)
        case .native(let native):
            depth += 1
            defer { depth -= 1 }
            return try native.body(validated.map { $0?.forComputing }, CallContext(input: input, environment: env, evaluator: self))
        case .transform(let node, let frame):
            return try transform(node, frame, validated.first ?? nil)
        case .regex(let regex, _):
            guard case .string(let s)? = validated.first ?? nil else { return nil }
            return try matcher(regex).first(in: s).map { .object($0) }
        }
    }

    func applyProcedure(_ lambda: Lambda, _ args: [Value?]) throws(JSONataError) -> Value? {
        let frame = Frame(parent: lambda.environment)
        for (i, name) in lambda.parameters.enumerated() { frame.bind(name, i < args.count ? args[i] : nil) }
        if let (native, bound) = lambda.partialOf {
            var full: [Value?] = []
            var open = 0
            for b in bound {
                if let b {
                    full.append(b)
                } else {
                    full.append(open < args.count ? args[open] : nil)
                    open += 1
                }
            }
            let f = JFunction(.native(native))
            return try applyInner(.function(f), full, lambda.input, lambda.environment)
        }
        return try evaluate(lambda.body, lambda.input, frame)
    }

    func evaluatePartialApplication(_ expr: Node, _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        var args: [Value??] = []
        for a in expr.arguments {
            if a.kind == .operator && a.value == "?" {
                args.append(Value??.none)
            } else {
                args.append(.some(try evaluate(a, input, env)))
            }
        }
        let procedure = expr.procedure!
        let proc = try evaluate(procedure, input, env)
        let procName = procedure.kind == .path ? procedure.steps[0].value : procedure.value
        if proc == nil, procedure.kind == .path, env.lookup(procedure.steps[0].value) != nil {
            throw JSONataError("T1007", position: expr.position, token: procName)
        }
        guard case .function(let f)? = proc else { throw JSONataError("T1008", position: expr.position, token: procName) }
        switch f.kind {
        case .lambda(let lambda):
            let frame = Frame(parent: lambda.environment)
            var open: [String] = []
            for (i, name) in lambda.parameters.enumerated() {
                if i < args.count, case .some(let bound) = args[i] {
                    frame.bind(name, bound)
                } else if i < args.count {
                    open.append(name)
                } else {
                    frame.bind(name, nil)
                }
            }
            if let partial = lambda.partialOf {
                // A partial of a partial built-in: fill its open slots in order.
                var bound = partial.1
                var next = 0
                var names: [String] = []
                for (i, b) in bound.enumerated() where b == nil {
                    if next < args.count, case .some(let v) = args[next] { bound[i] = .some(v) } else { names.append("_\(i)") }
                    next += 1
                }
                return .function(
                    JFunction(
                        .lambda(
                            Lambda(
                                parameters: names, signature: nil, body: lambda.body, input: lambda.input, environment: lambda.environment,
                                partialOf: (partial.0, bound)))))
            }
            return .function(JFunction(.lambda(Lambda(parameters: open, signature: nil, body: lambda.body, input: lambda.input, environment: frame))))
        case .native(let native):
            var bound: [Value??] = []
            var names: [String] = []
            for i in 0..<max(native.arity, args.count) {
                if i < args.count {
                    bound.append(args[i])
                    if case .none = args[i] { names.append("_\(i)") }
                } else {
                    bound.append(.some(nil))
                }
            }
            let placeholder = Node(.value, position: expr.position, literal: nil)
            return .function(
                JFunction(
                    .lambda(Lambda(parameters: names, signature: nil, body: placeholder, input: input, environment: env, partialOf: (native, bound))))
            )
        default:
            throw JSONataError("T1008", position: expr.position, token: procName)
        }
    }

    func evaluateApply(_ expr: Node, _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        let lhs = try evaluate(expr.lhs!, input, env)
        if expr.rhs!.kind == .function {
            let result = try evaluateFunction(expr.rhs!, input, env, applyTo: .some(lhs))
            if expr.rhs!.keepArray, case .array(var a)? = result, a.sequence {
                a.keepSingleton = true
                return .array(a)
            }
            return result
        }
        let fn = try evaluate(expr.rhs!, input, env)
        guard case .function? = fn else { throw JSONataError("T2006", position: expr.position, token: expr.value) }
        if case .function(let first)? = lhs {
            // f ~> g: a function applying f, then g.
            let composed = NativeFunction(name: "chain", signature: nil, arity: 1) { args, call throws(JSONataError) in
                let inner = try call.evaluator.apply(.function(first), [args.first ?? nil], call.input, call.environment)
                return try call.evaluator.apply(fn, [inner], call.input, call.environment)
            }
            return .function(JFunction(.native(composed)))
        }
        return try apply(fn, [lhs], input, env)
    }

    /// Calls a function argument of a higher-order built-in with as many of (value, index, array) as it declares.
    func callback(_ fn: Value, _ value: Value?, _ index: Int, _ array: Value?, _ call: CallContext) throws(JSONataError) -> Value? {
        let arity = fn.function.map(Self.arity) ?? 1
        var args: [Value?] = [value]
        if arity >= 2 { args.append(.number(Double(index))) }
        if arity >= 3 { args.append(array) }
        return try apply(fn, args, call.input, call.environment)
    }

    static func arity(_ f: JFunction) -> Int {
        switch f.kind {
        case .lambda(let l): l.signature?.params.count ?? l.parameters.count
        case .native(let n): n.arity
        default: 1
        }
    }
}
