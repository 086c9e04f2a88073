import Foundation

/// Runs a regular expression the way JSONata's regex closures do: successive matches, each
/// `{match, start, end, groups}`, with zero-length matches that would never progress reported as D1004.
///
/// Matching can be stopped: ICU reports progress while it backtracks, and the evaluator's limits are checked on every
/// report, so a catastrophic pattern (`(a+)+$` against `aaaa…!`) ends with U1002 at the time limit, or U1003 as soon as
/// the evaluation's task is cancelled, instead of burning a core until it finishes.
struct RegexMatcher {
    let regex: NSRegularExpression
    /// Returns the error that ends the evaluation (time limit, cancellation), or nil to go on.
    let interruption: () -> JSONataError?

    func matches(in s: String, limit: Int? = nil) throws(JSONataError) -> [JObject] {
        let ns = s as NSString
        // One match past the limit is enough for the zero-length checks below.
        let all = try scan(ns, upTo: limit.map { $0 + 1 })
        var out: [JObject] = []
        for (n, m) in all.enumerated() {
            if let limit, out.count >= limit { break }
            if n > 0, all[n - 1].range.length == 0 {
                throw JSONataError("D1004", token: regex.pattern)
            }
            out.append(Self.object(m, ns))
        }
        // A zero-length last match is an error too when more input remains to be scanned.
        if let last = all.last, last.range.length == 0, limit.map({ out.count < $0 }) ?? true, last.range.location < ns.length, out.count == all.count
        {
            throw JSONataError("D1004", token: regex.pattern)
        }
        return out
    }

    /// The first match only.
    func first(in s: String) throws(JSONataError) -> JObject? {
        let ns = s as NSString
        return try scan(ns, upTo: 1).first.map { Self.object($0, ns) }
    }

    /// Up to `count` successive matches, checking ``interruption`` on every progress report of the matcher.
    private func scan(_ ns: NSString, upTo count: Int?) throws(JSONataError) -> [NSTextCheckingResult] {
        var found: [NSTextCheckingResult] = []
        var stoppedBy: JSONataError?
        regex.enumerateMatches(in: ns as String, options: [.reportProgress], range: NSRange(location: 0, length: ns.length)) { match, _, stop in
            if let match { found.append(match) }
            if let count, found.count >= count {
                stop.pointee = true
            } else if let error = interruption() {
                stoppedBy = error
                stop.pointee = true
            }
        }
        if let stoppedBy { throw stoppedBy }
        return found
    }

    static func object(_ m: NSTextCheckingResult, _ ns: NSString) -> JObject {
        var groups: [Value] = []
        if m.numberOfRanges > 1 {
            for g in 1..<m.numberOfRanges {
                let r = m.range(at: g)
                groups.append(r.location == NSNotFound ? .string("") : .string(ns.substring(with: r)))
            }
        }
        return JObject([
            ("match", .string(ns.substring(with: m.range))), ("start", .number(Double(m.range.location))),
            ("end", .number(Double(m.range.location + m.range.length))), ("groups", .list(groups)),
        ])
    }
}

extension Functions {
    /// Successive matches of a pattern argument: a regex literal, or a user function that behaves like one
    /// (returns `{match, start, end, groups, next}`); anything else it returns is T1010.
    static func matches(_ pattern: Value?, in s: String, limit: Int?, _ call: CallContext) throws(JSONataError) -> [JObject] {
        guard case .function(let f)? = pattern else { return [] }
        if case .regex(let re, _) = f.kind { return try call.evaluator.matcher(re).matches(in: s, limit: limit) }
        var out: [JObject] = []
        var result = try call.evaluator.apply(pattern, [.string(s)], call.input, call.environment)
        while let r = result, limit.map({ out.count < $0 }) ?? true {
            guard case .object(let o) = r, o["match"]?.isString == true, o["start"]?.isNumber == true, o["end"]?.isNumber == true else {
                throw JSONataError("T1010", message: "The matcher function argument passed to function does not return the correct object structure")
            }
            out.append(o)
            guard case .function? = o["next"] else { break }
            result = try call.evaluator.apply(o["next"], [], call.input, call.environment)
        }
        return out
    }
}
