import Foundation

/// Object construction and grouping, order-by, and the transform operator.
extension Evaluator {
    func evaluateGroup(_ group: Node.Group, _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        let result = JObject()
        var order: [String] = []
        var groups: [String: (data: Value?, exprIndex: Int)] = [:]
        var reduce = false
        var items: [Value?]
        if case .array(let a)? = input {
            reduce = a.tupleStream
            items = a.items.map { $0 }
        } else {
            items = [input]
        }
        if items.isEmpty { items = [nil] }
        for item in items {
            var frame = env
            var context = item
            if reduce, case .object(let t)? = item {
                frame = Frame.from(tuple: t, parent: env)
                context = t["@"]
            }
            for (pairIndex, pair) in group.pairs.enumerated() {
                let key = try evaluate(pair.0, context, frame)
                guard let key else { continue }
                guard case .string(let k) = key else { throw JSONataError("T1003", position: group.position, token: nil) }
                if let existing = groups[k] {
                    if existing.exprIndex != pairIndex { throw JSONataError("D1009", position: group.position, token: k) }
                    groups[k] = (Semantics.append(existing.data, item), pairIndex)
                } else {
                    groups[k] = (item, pairIndex)
                    order.append(k)
                }
            }
        }
        for key in order {
            let entry = groups[key]!
            var context = entry.data
            var frame = env
            if reduce {
                let tuple = Self.reduceTupleStream(entry.data)
                context = tuple["@"]
                tuple["@"] = nil
                frame = Frame.from(tuple: tuple, parent: env)
            }
            if let value = try evaluate(group.pairs[entry.exprIndex].1, context, frame) {
                result[key] = value
            }
        }
        return .object(result)
    }

    static func reduceTupleStream(_ stream: Value?) -> JObject {
        switch stream {
        case .object(let t)?: return t.copy()
        case .array(let a)?:
            let tuples = a.items.compactMap(\.objectValue)
            let result = tuples.first?.copy() ?? JObject()
            for t in tuples.dropFirst() {
                for (k, v) in t.pairs { result[k] = Semantics.append(result[k], v) }
            }
            return result
        default: return JObject()
        }
    }

    func evaluateSort(_ expr: Node, _ input: Value?, _ env: Frame) throws(JSONataError) -> Value? {
        guard case .array(let a)? = input else { return input }
        let isTuple = a.tupleStream
        func key(_ term: Node.SortTerm, _ item: Value) throws(JSONataError) -> Value? {
            if isTuple, case .object(let t) = item {
                return try evaluate(term.expression, t["@"], Frame.from(tuple: t, parent: env))
            }
            return try evaluate(term.expression, item, env)
        }
        func swaps(_ x: Value, _ y: Value) throws(JSONataError) -> Bool {
            var comp = 0
            for term in expr.terms where comp == 0 {
                let aa = try key(term, x)
                let bb = try key(term, y)
                if aa == nil {
                    comp = bb == nil ? 0 : 1
                    continue
                }
                if bb == nil {
                    comp = -1
                    continue
                }
                switch (aa!, bb!) {
                case (.number(let l), .number(let r)):
                    if l == r { continue }
                    comp = l < r ? -1 : 1
                case (.string(let l), .string(let r)):
                    if l == r { continue }
                    comp = Functions.compareStrings(l, r) < 0 ? -1 : 1
                case (.number, .string), (.string, .number):
                    throw JSONataError("T2007", position: expr.position)
                default:
                    throw JSONataError("T2008", position: expr.position)
                }
                if term.descending { comp = -comp }
            }
            return comp == 1
        }
        var sorted = a
        sorted.setItems(try Functions.mergeSort(a.items, swaps))
        sorted.sequence = true
        return .array(sorted)
    }

    func transform(_ expr: Node, _ env: Frame, _ object: Value?) throws(JSONataError) -> Value? {
        guard let object else { return nil }
        guard case .function? = env.lookup("clone") else { throw JSONataError("T2013", position: expr.position) }
        let result = Functions.clone(object)
        guard let matches = try evaluate(expr.pattern!, result, env) else { return result }
        let list: [Value] = matches.arrayValue?.items ?? [matches]
        for match in list {
            let update = try evaluate(expr.update!, match, env)
            if let update {
                guard case .object(let u) = update else {
                    throw JSONataError("T2011", position: expr.update!.position)
                }
                if case .object(let target) = match {
                    for (k, v) in u.pairs { target[k] = v }
                }
            }
            if let deleteExpr = expr.delete, let deletions = try evaluate(deleteExpr, match, env) {
                let names: [Value] = deletions.arrayValue?.items ?? [deletions]
                guard names.allSatisfy(\.isString) else { throw JSONataError("T2012", position: deleteExpr.position) }
                if case .object(let target) = match {
                    for case .string(let n) in names { target[n] = nil }
                }
            }
        }
        return result
    }
}
