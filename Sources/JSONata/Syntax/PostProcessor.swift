/// Rewrites the raw tree for evaluation: `.` chains become paths of steps, `[…]` become filter stages, `{…}` on a
/// path becomes a group, `@`/`#` become tuple bindings, `%` is resolved to the step it refers to, and calls in tail
/// position of lambdas become thunks for the trampoline.
final class PostProcessor {
    var ancestorLabel = 0
    var ancestorIndex = 0
    var ancestry: [Node] = []

    func process(_ tree: Node) throws(JSONataError) -> Node {
        let result = try processAST(tree)
        if result.kind == .parent || result.seekingParent != nil {
            throw JSONataError("S0217", position: result.position, token: result.kind.rawValue)
        }
        return result
    }

    func tailCallOptimize(_ expr: Node) -> Node {
        if expr.kind == .function && expr.predicate == nil {
            let thunk = Node(.lambda, position: expr.position)
            thunk.thunk = true
            thunk.body = expr
            return thunk
        }
        if expr.kind == .condition {
            expr.then = expr.then.map(tailCallOptimize)
            expr.otherwise = expr.otherwise.map(tailCallOptimize)
        } else if expr.kind == .block, let last = expr.expressions.last {
            expr.expressions[expr.expressions.count - 1] = tailCallOptimize(last)
        }
        return expr
    }

    @discardableResult
    func seekParent(_ node: Node, _ slot: Slot) throws(JSONataError) -> Slot {
        var slot = slot
        switch node.kind {
        case .name, .wildcard:
            slot.level -= 1
            if slot.level == 0 {
                if let existing = node.ancestor {
                    ancestry[slot.index].slot?.label = existing.label
                    node.ancestor = slot
                } else {
                    node.ancestor = slot
                }
                node.tuple = true
            }
        case .parent:
            slot.level += 1
        case .block:
            if let last = node.expressions.last {
                node.tuple = true
                slot = try seekParent(last, slot)
            }
        case .path:
            node.tuple = true
            var index = node.steps.count - 1
            slot = try seekParent(node.steps[index], slot)
            index -= 1
            while slot.level > 0 && index >= 0 {
                slot = try seekParent(node.steps[index], slot)
                index -= 1
            }
        default:
            throw JSONataError("S0217", position: node.position, token: node.kind.rawValue)
        }
        return slot
    }

    func pushAncestry(_ result: Node, _ value: Node) {
        guard value.seekingParent != nil || value.kind == .parent else { return }
        var slots = value.seekingParent ?? []
        if value.kind == .parent, let s = value.slot { slots.append(s) }
        result.seekingParent = (result.seekingParent ?? []) + slots
    }

    func resolveAncestry(_ path: Node) throws(JSONataError) {
        let last = path.steps[path.steps.count - 1]
        var slots = last.seekingParent ?? []
        if last.kind == .parent, let s = last.slot { slots.append(s) }
        for var slot in slots {
            var index = path.steps.count - 2
            while slot.level > 0 {
                if index < 0 {
                    path.seekingParent = (path.seekingParent ?? []) + [slot]
                    break
                }
                var step = path.steps[index]
                index -= 1
                while index >= 0 && step.focus != nil && path.steps[index].focus != nil {
                    step = path.steps[index]
                    index -= 1
                }
                slot = try seekParent(step, slot)
            }
        }
    }

    func processAST(_ expr: Node) throws(JSONataError) -> Node {
        var result: Node
        switch expr.kind {
        case .binary:
            switch expr.value {
            case ".":
                let lstep = try processAST(expr.lhs!)
                if lstep.kind == .path {
                    result = lstep
                } else {
                    result = Node(.path, position: lstep.position)
                    result.steps = [lstep]
                }
                if lstep.kind == .parent, let s = lstep.slot { result.seekingParent = [s] }
                let rest = try processAST(expr.rhs!)
                if rest.kind == .path {
                    result.steps.append(contentsOf: rest.steps)
                } else {
                    if let p = rest.predicate {
                        rest.stages = p
                        rest.predicate = nil
                    }
                    result.steps.append(rest)
                }
                for step in result.steps {
                    if step.kind == .number || step.kind == .value {
                        throw JSONataError("S0213", position: step.position, token: step.value)
                    }
                    if step.kind == .string { step.kind = .name }
                }
                if result.steps.contains(where: { $0.keepArray }) { result.keepSingletonArray = true }
                let first = result.steps[0]
                if first.kind == .unary && first.value == "[" { first.consarray = true }
                let last = result.steps[result.steps.count - 1]
                if last.kind == .unary && last.value == "[" { last.consarray = true }
                try resolveAncestry(result)
            case "[":
                result = try processAST(expr.lhs!)
                var step = result
                var usesStages = false
                if result.kind == .path {
                    step = result.steps[result.steps.count - 1]
                    usesStages = true
                }
                if step.group != nil { throw JSONataError("S0209", position: expr.position) }
                let predicate = try processAST(expr.rhs!)
                if let seeking = predicate.seekingParent {
                    for slot in seeking {
                        if slot.level == 1 {
                            try seekParent(step, slot)
                        } else {
                            slot.level -= 1
                        }
                    }
                    pushAncestry(step, predicate)
                }
                let stage = Node.Stage.filter(predicate, position: expr.position)
                if usesStages {
                    step.stages = (step.stages ?? []) + [stage]
                } else {
                    step.predicate = (step.predicate ?? []) + [stage]
                }
            case "{":
                result = try processAST(expr.lhs!)
                if result.group != nil { throw JSONataError("S0210", position: expr.position) }
                var pairs: [(Node, Node)] = []
                for (k, v) in expr.pairs { pairs.append((try processAST(k), try processAST(v))) }
                result.group = Node.Group(pairs: pairs, position: expr.position)
            case "^":
                result = try processAST(expr.lhs!)
                if result.kind != .path {
                    let path = Node(.path, position: result.position)
                    path.steps = [result]
                    result = path
                }
                let sortStep = Node(.sort, position: expr.position)
                for term in expr.rawTerms {
                    let e = try processAST(term.expression)
                    pushAncestry(sortStep, e)
                    sortStep.terms.append(Node.SortTerm(descending: term.descending, expression: e))
                }
                result.steps.append(sortStep)
                try resolveAncestry(result)
            case ":=":
                result = Node(.bind, value: expr.value, position: expr.position)
                result.lhs = try processAST(expr.lhs!)
                result.rhs = try processAST(expr.rhs!)
                pushAncestry(result, result.rhs!)
            case "@":
                result = try processAST(expr.lhs!)
                var step = result
                if result.kind == .path { step = result.steps[result.steps.count - 1] }
                if step.stages != nil || step.predicate != nil { throw JSONataError("S0215", position: expr.position) }
                if step.kind == .sort { throw JSONataError("S0216", position: expr.position) }
                if expr.keepArray { step.keepArray = true }
                step.focus = expr.rhs!.value
                step.tuple = true
            case "#":
                result = try processAST(expr.lhs!)
                var step = result
                if result.kind == .path {
                    step = result.steps[result.steps.count - 1]
                } else {
                    let path = Node(.path, position: result.position)
                    path.steps = [result]
                    result = path
                    if let p = step.predicate {
                        step.stages = p
                        step.predicate = nil
                    }
                }
                if step.stages == nil {
                    step.index = expr.rhs!.value
                } else {
                    step.stages!.append(.index(expr.rhs!.value, position: expr.position))
                }
                step.tuple = true
            case "~>":
                result = Node(.apply, value: expr.value, position: expr.position)
                result.lhs = try processAST(expr.lhs!)
                result.rhs = try processAST(expr.rhs!)
                pushAncestry(result, result.lhs!)
                pushAncestry(result, result.rhs!)
            default:
                result = Node(.binary, value: expr.value, position: expr.position)
                result.lhs = try processAST(expr.lhs!)
                result.rhs = try processAST(expr.rhs!)
                pushAncestry(result, result.lhs!)
                pushAncestry(result, result.rhs!)
            }
        case .unary:
            result = Node(.unary, value: expr.value, position: expr.position)
            if expr.value == "[" {
                for item in expr.expressions {
                    let value = try processAST(item)
                    pushAncestry(result, value)
                    result.expressions.append(value)
                }
            } else if expr.value == "{" {
                for (k, v) in expr.pairs {
                    let key = try processAST(k)
                    pushAncestry(result, key)
                    let value = try processAST(v)
                    pushAncestry(result, value)
                    result.pairs.append((key, value))
                }
            } else {
                let inner = try processAST(expr.expression!)
                if expr.value == "-", inner.kind == .number, case .number(let n)? = inner.literal {
                    inner.literal = .number(-n)
                    result = inner
                } else {
                    result.expression = inner
                    pushAncestry(result, inner)
                }
            }
        case .function, .partial:
            result = Node(expr.kind, value: expr.value, position: expr.position)
            for arg in expr.arguments {
                let a = try processAST(arg)
                pushAncestry(result, a)
                result.arguments.append(a)
            }
            result.procedure = try processAST(expr.procedure!)
        case .lambda:
            result = Node(.lambda, position: expr.position)
            result.arguments = expr.arguments
            result.signature = expr.signature
            result.body = tailCallOptimize(try processAST(expr.body!))
        case .condition, .coalesce, .elvis:
            result = Node(expr.kind, position: expr.position)
            result.condition = try processAST(expr.condition!)
            pushAncestry(result, result.condition!)
            if let then = expr.then {
                result.then = try processAST(then)
                pushAncestry(result, result.then!)
            }
            if let otherwise = expr.otherwise {
                result.otherwise = try processAST(otherwise)
                pushAncestry(result, result.otherwise!)
            }
        case .transform:
            result = Node(.transform, position: expr.position)
            result.pattern = try processAST(expr.pattern!)
            result.update = try processAST(expr.update!)
            if let d = expr.delete { result.delete = try processAST(d) }
        case .block:
            result = Node(.block, position: expr.position)
            for item in expr.expressions {
                let part = try processAST(item)
                pushAncestry(result, part)
                if part.consarray || (part.kind == .path && part.steps[0].consarray) { result.consarray = true }
                result.expressions.append(part)
            }
        case .name:
            result = Node(.path, position: expr.position)
            result.steps = [expr]
            if expr.keepArray { result.keepSingletonArray = true }
        case .parent:
            result = Node(.parent, position: expr.position)
            result.slot = Slot(label: "!\(ancestorLabel)", level: 1, index: ancestorIndex)
            ancestorLabel += 1
            ancestorIndex += 1
            ancestry.append(result)
        case .string, .number, .value, .wildcard, .descendant, .variable, .regex:
            result = expr
        case .operator:
            if ["and", "or", "in"].contains(expr.value) {
                expr.kind = .name
                result = try processAST(expr)
            } else if expr.value == "?" {
                result = expr
            } else {
                throw JSONataError("S0201", position: expr.position, token: expr.value)
            }
        default:
            throw JSONataError(expr.kind == .end ? "S0207" : "S0206", position: expr.position, token: expr.value)
        }
        if expr.keepArray { result.keepArray = true }
        return result
    }
}
