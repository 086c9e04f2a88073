import Foundation

extension Functions {
    static var arrayFunctions: [(String, Value)] {
        [
            define("count", "<a:n>") { args, _ in
                guard case .array(let a)? = arg(args, 0) else { return .number(arg(args, 0) == nil ? 0 : 1) }
                return .number(Double(a.count))
            },
            define("append", "<xx:a>") { args, _ in Semantics.append(arg(args, 0), arg(args, 1)) },
            define("exists", "<x:b>") { args, _ in .bool(arg(args, 0) != nil) },
            define("boolean", "<x-:b>") { args, _ throws(JSONataError) in try Semantics.boolean(arg(args, 0)).map { .bool($0) } },
            define("not", "<x-:b>") { args, _ throws(JSONataError) in try Semantics.boolean(arg(args, 0)).map { .bool(!$0) } },
            define("reverse", "<a:a>") { args, _ in
                guard case .array(let a)? = arg(args, 0) else { return nil }
                if a.count <= 1 { return .array(a) }
                return .list(a.items.reversed())
            },
            define("shuffle", "<a:a>") { args, _ in
                guard case .array(let a)? = arg(args, 0) else { return nil }
                if a.count <= 1 { return .array(a) }
                return .list(a.items.shuffled())
            },
            define("distinct", "<x:x>") { args, _ in
                guard case .array(let a)? = arg(args, 0) else { return arg(args, 0) }
                if a.count <= 1 { return .array(a) }
                var out: [Value] = []
                for item in a.items where !out.contains(where: { Semantics.deepEqual($0, item) }) { out.append(item) }
                return .sequence(out)
            },
            define("sort", "<af?:a>") { args, call throws(JSONataError) in
                guard case .array(let a)? = arg(args, 0) else { return nil }
                if a.count <= 1 { return .array(a) }
                if case .function? = arg(args, 1) {
                    let fn = arg(args, 1)
                    return .list(
                        try mergeSort(a.items) { x, y throws(JSONataError) in
                            try Semantics.boolean(try call.evaluator.apply(fn, [x, y], call.input, call.environment)) == true
                        })
                }
                if try Semantics.isArrayOfNumbers(a) {
                    return .list(try mergeSort(a.items) { x, y in x.number! > y.number! })
                }
                if Semantics.isArrayOfStrings(a) {
                    return .list(try mergeSort(a.items) { x, y in compareStrings(x.string!, y.string!) > 0 })
                }
                throw JSONataError("D3070")
            },
            define("zip", "<a+>") { args, _ in
                let arrays = args.map { $0?.arrayValue?.items ?? [] }
                let length = arrays.map(\.count).min() ?? 0
                return .list((0..<length).map { i in .list(arrays.map { $0[i] }) })
            },
        ]
    }

    static var objectFunctions: [(String, Value)] {
        [
            define("keys", "<x-:a<s>>") { args, _ in
                var keys: [String] = []
                switch arg(args, 0) {
                case .object(let o)?: keys = o.keys
                case .array(let a)?:
                    for case .object(let o) in a.items {
                        for k in o.keys where !keys.contains(k) { keys.append(k) }
                    }
                default: return nil
                }
                return .sequence(keys.map { .string($0) })
            },
            define("lookup", "<x-s:x>") { args, _ in
                guard case .string(let k)? = arg(args, 1) else { return nil }
                return Semantics.lookup(arg(args, 0), k)
            },
            define("spread", "<x-:a<o>>") { args, _ in
                func spread(_ v: Value) -> [Value] {
                    switch v {
                    case .array(let a): return a.items.flatMap(spread)
                    case .object(let o): return o.pairs.map { .object(JObject([($0.0, $0.1)])) }
                    default: return [v]
                    }
                }
                guard let v = arg(args, 0) else { return nil }
                if case .object = v { return .sequence(spread(v)) }
                if case .array = v { return .sequence(spread(v)) }
                return v
            },
            define("merge", "<a<o>:o>") { args, _ in
                guard case .array(let a)? = arg(args, 0) else { return nil }
                let out = JObject()
                for case .object(let o) in a.items { for (k, v) in o.pairs { out[k] = v } }
                return .object(out)
            },
            define("each", "<o-f:a>") { args, call throws(JSONataError) in
                guard case .object(let o)? = arg(args, 0), let fn = arg(args, 1) else { return nil }
                var out: [Value] = []
                var tally = WeightTally()
                for (k, v) in o.pairs {
                    let arity = fn.function.map(Evaluator.arity) ?? 1
                    var fargs: [Value?] = [v]
                    if arity >= 2 { fargs.append(.string(k)) }
                    if arity >= 3 { fargs.append(.object(o)) }
                    if let r = try call.evaluator.apply(fn, fargs, call.input, call.environment) {
                        try tally.add(r)
                        out.append(r)
                    }
                }
                return .sequence(out)
            },
            define("sift", "<o-f?:o>") { args, call throws(JSONataError) in
                guard case .object(let o)? = arg(args, 0), let fn = arg(args, 1) else { return nil }
                let out = JObject()
                for (k, v) in o.pairs {
                    let arity = fn.function.map(Evaluator.arity) ?? 1
                    var fargs: [Value?] = [v]
                    if arity >= 2 { fargs.append(.string(k)) }
                    if arity >= 3 { fargs.append(.object(o)) }
                    if try Semantics.boolean(try call.evaluator.apply(fn, fargs, call.input, call.environment)) == true { out[k] = v }
                }
                return out.isEmpty ? nil : .object(out)
            },
            define("type", "<x:s>") { args, _ in arg(args, 0).map { .string(Semantics.typeName($0)) } },
            define("error", "<s?:x>") { args, _ throws(JSONataError) in
                throw JSONataError("D3137", message: arg(args, 0)?.string ?? "$error() function evaluated")
            },
            define("assert", "<bs?:x>") { args, _ throws(JSONataError) in
                if case .bool(false)? = arg(args, 0) {
                    throw JSONataError("D3141", message: arg(args, 1)?.string ?? "$assert() statement failed")
                }
                return nil
            },
            define("clone", "<(oa)-:o>") { args, _ in arg(args, 0).map(clone) },
        ]
    }

    static var higherOrderFunctions: [(String, Value)] {
        [
            define("map", "<af>") { args, call throws(JSONataError) in
                guard case .array(let a)? = arg(args, 0), let fn = arg(args, 1) else { return nil }
                var out: [Value] = []
                var tally = WeightTally()
                for (i, item) in a.items.enumerated() {
                    if let r = try call.evaluator.callback(fn, item, i, .array(a), call) {
                        try tally.add(r)
                        out.append(r)
                    }
                }
                return .sequence(out)
            },
            define("filter", "<af>") { args, call throws(JSONataError) in
                guard case .array(let a)? = arg(args, 0), let fn = arg(args, 1) else { return nil }
                var out: [Value] = []
                for (i, item) in a.items.enumerated() where try Semantics.boolean(try call.evaluator.callback(fn, item, i, .array(a), call)) == true {
                    out.append(item)
                }
                return .sequence(out)
            },
            define("single", "<af?>") { args, call throws(JSONataError) in
                guard case .array(let a)? = arg(args, 0) else { return nil }
                var found: Value?
                var hasFound = false
                for (i, item) in a.items.enumerated() {
                    var ok = true
                    if let fn = arg(args, 1) { ok = try Semantics.boolean(try call.evaluator.callback(fn, item, i, .array(a), call)) == true }
                    if ok {
                        if hasFound { throw JSONataError("D3138") }
                        found = item
                        hasFound = true
                    }
                }
                if !hasFound { throw JSONataError("D3139") }
                return found
            },
            define("reduce", "<afj?:j>") { args, call throws(JSONataError) in
                guard case .array(let a)? = arg(args, 0), let fn = arg(args, 1) else { return nil }
                let arity = fn.function.map(Evaluator.arity) ?? 2
                if arity < 2 { throw JSONataError("D3050") }
                var index = 0
                var result: Value?
                if args.count < 3 || arg(args, 2) == nil, !a.items.isEmpty {
                    result = a.items[0]
                    index = 1
                } else {
                    result = arg(args, 2)
                }
                while index < a.count {
                    var fargs: [Value?] = [result, a.items[index]]
                    if arity >= 3 { fargs.append(.number(Double(index))) }
                    if arity >= 4 { fargs.append(.array(a)) }
                    result = try call.evaluator.apply(fn, fargs, call.input, call.environment)
                    index += 1
                }
                return result
            },
        ]
    }
}
