import Foundation

/// The standard library: each built-in with its signature, bound in the static frame every evaluation starts from.
enum Functions {
    typealias Body = (_ args: [Value?], _ call: CallContext) throws(JSONataError) -> Value?

    /// A built-in; `arity` is how many arguments higher-order functions pass it (default: its parameters).
    static func define(_ name: String, _ signature: String, arity: Int? = nil, _ body: @escaping Body) -> (String, Value) {
        let sig = try! Signature(signature)
        return (name, .function(JFunction(.native(NativeFunction(name: name, signature: sig, arity: arity ?? sig.params.count, body: body)))))
    }

    /// The frame holding every built-in.
    static let library: Frame = {
        let frame = Frame(parent: nil)
        for (name, value) in stringFunctions + numericFunctions + arrayFunctions + objectFunctions + higherOrderFunctions + dateFunctions {
            frame.bind(name, value)
        }
        return frame
    }()

    // MARK: - Shared helpers

    /// `$string`: strings unchanged, numbers as JavaScript prints them (15 significant digits), anything else as JSON.
    static func string(_ v: Value, prettify: Bool = false) throws(JSONataError) -> String {
        switch v {
        case .string(let s): return s
        case .function: return ""
        case .number(let n) where !n.isFinite: throw JSONataError("D3001")
        case .array(let a) where a.outerWrapper && !a.items.isEmpty: return try string(a.items[0], prettify: prettify)
        default:
            var out = ""
            try JSONText.write(v, into: &out, indent: prettify ? 2 : nil, level: 0)
            return out
        }
    }

    /// JavaScript string ordering (UTF-16 code units).
    static func compareStrings(_ a: String, _ b: String) -> Int {
        var i = a.utf16.makeIterator()
        var j = b.utf16.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    /// A stable merge sort where `swaps(a, b)` says whether `a` must come after `b`.
    static func mergeSort(_ items: [Value], _ swaps: (Value, Value) throws(JSONataError) -> Bool) throws(JSONataError) -> [Value] {
        if items.count <= 1 { return items }
        let mid = items.count / 2
        let left = try mergeSort(Array(items[..<mid]), swaps)
        let right = try mergeSort(Array(items[mid...]), swaps)
        var out: [Value] = []
        out.reserveCapacity(items.count)
        var i = 0
        var j = 0
        while i < left.count && j < right.count {
            if try swaps(left[i], right[j]) {
                out.append(right[j])
                j += 1
            } else {
                out.append(left[i])
                i += 1
            }
        }
        out.append(contentsOf: left[i...])
        out.append(contentsOf: right[j...])
        return out
    }

    /// A deep copy (what `$clone` and the transform operator use).
    static func clone(_ v: Value) -> Value {
        switch v {
        case .object(let o): return .object(JObject(o.pairs.map { ($0.0, clone($0.1)) }))
        case .array(let a): return .list(a.items.map(clone))
        default: return v
        }
    }

    static func arg(_ args: [Value?], _ i: Int) -> Value? { i < args.count ? args[i] : nil }

    static func int(_ v: Value?) -> Int? {
        guard case .number(let n)? = v, n.isFinite else { return nil }
        return n.rounded(.towardZero).clampedInt
    }
}
