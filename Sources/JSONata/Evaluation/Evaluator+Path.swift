/// Location paths: steps over sequences, tuple streams for `@`, `#` and `%`, filters and stages.
extension Evaluator {
    func evaluatePath(_ expr: Node, _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        var inputSequence: [Value?]
        if case .array(let a)? = input, expr.steps[0].kind != .variable {
            inputSequence = a.items.map { $0 }
        } else {
            inputSequence = [input]
        }
        var resultSequence: Value?
        var isTupleStream = false
        var tupleBindings: [JObject]?
        for (i, step) in expr.steps.enumerated() {
            if step.tuple { isTupleStream = true }
            if i == 0 && step.consarray {
                resultSequence = try evaluate(step, .array(JArray(inputSequence.compactMap { $0 }, sequence: true)), env)
            } else if isTupleStream {
                tupleBindings = try evaluateTupleStep(step, inputSequence, tupleBindings, env)
            } else {
                resultSequence = try evaluateStep(step, inputSequence, env, lastStep: i == expr.steps.count - 1)
            }
            if !isTupleStream {
                guard let r = resultSequence else { break }
                if case .array(let a) = r, a.items.isEmpty { break }
            }
            if step.focus == nil {
                if case .array(let a)? = resultSequence {
                    inputSequence = a.items.map { $0 }
                } else {
                    inputSequence = [resultSequence]
                }
            }
        }
        if isTupleStream {
            let tuples = tupleBindings ?? []
            if expr.tuple {
                var a = JArray(tuples.map { Value.object($0) }, sequence: true)
                a.tupleStream = true
                resultSequence = .array(a)
            } else {
                resultSequence = .sequence(tuples.compactMap { $0["@"] })
            }
        }
        if expr.keepSingletonArray {
            if case .array(let a)? = resultSequence, a.cons, !a.sequence {
                resultSequence = .sequence([.array(a)])
            }
            if case .array(var a)? = resultSequence {
                a.keepSingleton = true
                resultSequence = .array(a)
            }
        }
        if let group = expr.group {
            if isTupleStream {
                var a = JArray((tupleBindings ?? []).map { Value.object($0) }, sequence: true)
                a.tupleStream = true
                resultSequence = try evaluateGroup(group, .array(a), env)
            } else {
                resultSequence = try evaluateGroup(group, resultSequence, env)
            }
        }
        return resultSequence
    }

    func evaluateStep(_ expr: Node, _ input: [Value?], _ env: Frame, lastStep: Bool) throws(JSONataError) -> Value? {
        if expr.kind == .sort {
            var result = try evaluateSort(expr, .array(JArray(input.compactMap { $0 }, sequence: true)), env)
            if let stages = expr.stages { result = try evaluateStages(stages, result, env) }
            return result
        }
        var results: [Value] = []
        var tally = WeightTally()
        for item in input {
            var res = try evaluate(expr, item, env)
            if let stages = expr.stages {
                for stage in stages {
                    if case .filter(let p, _) = stage { res = try evaluateFilter(p, res, env) }
                }
            }
            if let res {
                try tally.add(res, at: expr.position)
                results.append(res)
            }
        }
        if lastStep, results.count == 1, case .array(let a) = results[0], !a.sequence {
            return results[0]
        }
        var flattened: [Value] = []
        for res in results {
            if case .array(let a) = res, !a.cons {
                flattened.append(contentsOf: a.items)
            } else {
                flattened.append(res)
            }
        }
        return .sequence(flattened)
    }

    func evaluateStages(_ stages: [Node.Stage], _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        var result = input
        for stage in stages {
            switch stage {
            case .filter(let p, _):
                result = try evaluateFilter(p, result, env)
            case .index(let name, _):
                if case .array(let a)? = result {
                    for (i, t) in a.items.enumerated() {
                        if case .object(let tuple) = t { tuple[name] = .number(Double(i)) }
                    }
                }
            }
        }
        return result
    }

    func evaluateTupleStep(_ expr: Node, _ input: [Value?], _ tupleBindings: [JObject]?, _ env: Frame) throws(JSONataError) -> [JObject] {
        if expr.kind == .sort {
            var result: Value?
            if let tupleBindings {
                var a = JArray(tupleBindings.map { Value.object($0) }, sequence: true)
                a.tupleStream = true
                result = try evaluateSort(expr, .array(a), env)
            } else {
                let sorted = try evaluateSort(expr, .array(JArray(input.compactMap { $0 }, sequence: true)), env)
                var tuples: [Value] = []
                for (i, item) in (sorted?.arrayValue?.items ?? []).enumerated() {
                    let t = JObject([("@", item)])
                    if let index = expr.index { t[index] = .number(Double(i)) }
                    tuples.append(.object(t))
                }
                var a = JArray(tuples, sequence: true)
                a.tupleStream = true
                result = .array(a)
            }
            if let stages = expr.stages { result = try evaluateStages(stages, result, env) }
            return Self.tuples(result)
        }
        let bindings =
            tupleBindings
            ?? input.map { item in
                let t = JObject()
                t["@"] = item
                return t
            }
        var out: [JObject] = []
        for tuple in bindings {
            let stepEnv = Frame.from(tuple: tuple, parent: env)
            guard let res = try evaluate(expr, tuple["@"], stepEnv) else { continue }
            let items: [Value]
            var isTupleResult = false
            if case .array(let a) = res {
                items = a.items
                isTupleResult = a.tupleStream
            } else {
                items = [res]
            }
            for (bb, item) in items.enumerated() {
                let t = tuple.copy()
                if isTupleResult, case .object(let inner) = item {
                    for (k, v) in inner.pairs { t[k] = v }
                } else {
                    if let focus = expr.focus {
                        t[focus] = item
                        t["@"] = tuple["@"]
                    } else {
                        t["@"] = item
                    }
                    if let index = expr.index { t[index] = .number(Double(bb)) }
                    if let ancestor = expr.ancestor { t[ancestor.label] = tuple["@"] }
                }
                out.append(t)
            }
        }
        if let stages = expr.stages {
            var a = JArray(out.map { Value.object($0) }, sequence: true)
            a.tupleStream = true
            return Self.tuples(try evaluateStages(stages, .array(a), env))
        }
        return out
    }

    static func tuples(_ value: Value?) -> [JObject] {
        guard case .array(let a)? = value else { return [] }
        return a.items.compactMap { $0.objectValue }
    }

    func evaluateFilter(_ predicate: Node, _ input: Value?, _ env: Frame) throws(JSONataError) -> Value {
        var results = JArray([], sequence: true)
        var items: [Value?]
        var isTuple = false
        if case .array(let a)? = input {
            items = a.items.map { $0 }
            isTuple = a.tupleStream
            results.tupleStream = a.tupleStream
        } else {
            items = [input]
        }
        if predicate.kind == .number, case .number(let n)? = predicate.literal {
            var index = n.rounded(.down).clampedInt
            if index < 0 { index += items.count }
            if index >= 0 && index < items.count, let item = items[index] {
                if case .array(let a) = item { return .array(a) }
                results.append(item)
            }
            return .array(results)
        }
        for (index, item) in items.enumerated() {
            var context = item
            var frame = env
            if isTuple, case .object(let t)? = item {
                context = t["@"]
                frame = Frame.from(tuple: t, parent: env)
            }
            var res = try evaluate(predicate, context, frame)
            if let r = res, try Semantics.isNumeric(r) { res = .list([r]) }
            if case .array(let a)? = res, try Semantics.isArrayOfNumbers(a) {
                for case .number(let n) in a.items {
                    var ii = n.rounded(.down).clampedInt
                    if ii < 0 { ii += items.count }
                    if ii == index, let item { results.append(item) }
                }
            } else if try Semantics.boolean(res) == true, let item {
                results.append(item)
            }
        }
        return .array(results)
    }
}
