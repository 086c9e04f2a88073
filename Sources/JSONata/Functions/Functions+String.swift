import Foundation

extension Functions {
    static var stringFunctions: [(String, Value)] {
        [
            define("string", "<x-b?:s>", arity: 1) { args, _ throws(JSONataError) in
                guard let v = arg(args, 0) else { return nil }
                return .string(try string(v, prettify: arg(args, 1).flatMap { if case .bool(let b) = $0 { b } else { nil } } ?? false))
            },
            define("substring", "<s-nn?:s>") { args, _ throws(JSONataError) in
                guard case .string(let s)? = arg(args, 0), case .number(let startD)? = arg(args, 1) else { return nil }
                let chars = Array(s.unicodeScalars)
                var start = startD.rounded(.towardZero).clampedInt
                let count = chars.count
                if count + start < 0 { start = 0 }
                func slice(_ a: Int, _ b: Int) -> String {
                    var lo = a < 0 ? max(count + a, 0) : min(a, count)
                    var hi = b < 0 ? max(count + b, 0) : min(b, count)
                    if hi < lo { hi = lo }
                    lo = max(0, lo)
                    return String(String.UnicodeScalarView(chars[lo..<hi]))
                }
                if case .number(let lenD)? = arg(args, 2) {
                    if lenD <= 0 { return .string("") }
                    let length = lenD.rounded(.towardZero).clampedInt
                    let end = start >= 0 ? start + length : count + start + length
                    return .string(slice(start, end))
                }
                return .string(slice(start, count))
            },
            define("substringBefore", "<s-s:s>") { args, _ in
                guard case .string(let s)? = arg(args, 0), case .string(let t)? = arg(args, 1) else { return arg(args, 0) }
                if t.isEmpty { return .string("") }
                guard let r = s.range(of: t) else { return .string(s) }
                return .string(String(s[..<r.lowerBound]))
            },
            define("substringAfter", "<s-s:s>") { args, _ in
                guard case .string(let s)? = arg(args, 0), case .string(let t)? = arg(args, 1) else { return arg(args, 0) }
                guard let r = s.range(of: t) else { return .string(s) }
                return .string(String(s[r.upperBound...]))
            },
            define("lowercase", "<s-:s>") { args, _ in arg(args, 0)?.string.map { .string($0.lowercased()) } },
            define("uppercase", "<s-:s>") { args, _ in arg(args, 0)?.string.map { .string($0.uppercased()) } },
            define("length", "<s-:n>") { args, _ in arg(args, 0)?.string.map { .number(Double($0.unicodeScalars.count)) } },
            define("trim", "<s-:s>") { args, _ in
                guard case .string(let s)? = arg(args, 0) else { return nil }
                let collapsed = s.replacingOccurrences(of: "[ \t\n\r]+", with: " ", options: .regularExpression)
                return .string(collapsed.trimmingCharacters(in: CharacterSet(charactersIn: " ")))
            },
            define("pad", "<s-ns?:s>") { args, call throws(JSONataError) in
                guard case .string(let s)? = arg(args, 0), case .number(let w)? = arg(args, 1) else { return nil }
                var char = arg(args, 2)?.string ?? " "
                if char.isEmpty { char = " " }
                let width = w.rounded(.towardZero).clampedInt
                let padLength = abs(width) - s.unicodeScalars.count
                guard padLength > 0 else { return .string(s) }
                // Whole repetitions of `char` cover the padding; the last one may be cut short.
                let scalars = char.unicodeScalars.count
                let repetitions = (padLength + scalars - 1) / scalars
                let (bytes, overflow) = repetitions.multipliedReportingOverflow(by: char.utf8.count)
                try call.evaluator.admitString(bytes: overflow ? .max : s.utf8.count.saturatingAdd(bytes))
                var padding = String(repeating: char, count: repetitions)
                if scalars > 1 { padding = String(String.UnicodeScalarView(padding.unicodeScalars.prefix(padLength))) }
                return .string(width > 0 ? s + padding : padding + s)
            },
            define("contains", "<s-(sf):b>") { args, call throws(JSONataError) in
                guard case .string(let s)? = arg(args, 0) else { return nil }
                switch arg(args, 1) {
                case .string(let t)?: return .bool(t.isEmpty || s.contains(t))
                case .function?:
                    return .bool(!(try matches(arg(args, 1), in: s, limit: 1, call)).isEmpty)
                default: return nil
                }
            },
            define("split", "<s-(sf)n?:a<s>>") { args, call throws(JSONataError) in
                guard case .string(let s)? = arg(args, 0) else { return nil }
                var limit: Int?
                if case .number(let l)? = arg(args, 2) {
                    if l < 0 { throw JSONataError("D3020") }
                    limit = l.rounded(.down).clampedInt
                }
                var parts: [String] = []
                switch arg(args, 1) {
                case .string(let sep)?:
                    if sep.isEmpty {
                        parts = s.utf16.map { String(decoding: [$0], as: UTF16.self) }
                    } else {
                        parts = s.components(separatedBy: sep)
                    }
                case .function?:
                    let ns = s as NSString
                    var start = 0
                    let ms = try matches(arg(args, 1), in: s, limit: limit, call)
                    for m in ms {
                        let ms = Int(m["start"]!.number!)
                        parts.append(ns.substring(with: NSRange(location: start, length: ms - start)))
                        start = Int(m["end"]!.number!)
                    }
                    if limit == nil || parts.count < limit! { parts.append(ns.substring(from: start)) }
                default: return nil
                }
                if let limit { parts = Array(parts.prefix(limit)) }
                return .list(parts.map { .string($0) })
            },
            define("join", "<a<s>s?:s>") { args, call throws(JSONataError) in
                guard case .array(let a)? = arg(args, 0) else { return nil }
                let sep = arg(args, 1)?.string ?? ""
                let parts = a.items.compactMap(\.string)
                try call.evaluator.admitString(bytes: parts.reduce(sep.utf8.count * parts.count) { $0 + $1.utf8.count })
                return .string(parts.joined(separator: sep))
            },
            define("match", "<s-f<s:o>n?:a<o>>") { args, call throws(JSONataError) in
                guard case .string(let s)? = arg(args, 0) else { return nil }
                var limit: Int?
                if case .number(let l)? = arg(args, 2) {
                    if l < 0 { throw JSONataError("D3040") }
                    limit = l.rounded(.down).clampedInt
                }
                let ms = try matches(arg(args, 1), in: s, limit: limit, call)
                return .sequence(
                    ms.map { m in
                        .object(JObject([("match", m["match"]!), ("index", m["start"]!), ("groups", m["groups"]!)]))
                    })
            },
            define("replace", "<s-(sf)(sf)n?:s>") { args, call throws(JSONataError) in try replace(args, call) },
            define("base64encode", "<s-:s>") { args, _ in
                arg(args, 0)?.string.map { .string(Data($0.utf8).base64EncodedString()) }
            },
            define("base64decode", "<s-:s>") { args, _ in
                guard case .string(let s)? = arg(args, 0) else { return nil }
                guard let d = Data(base64Encoded: s, options: .ignoreUnknownCharacters) else { return .string("") }
                return .string(String(decoding: d, as: UTF8.self))
            },
            define("encodeUrlComponent", "<s-:s>") { args, _ throws(JSONataError) in
                try arg(args, 0)?.string.map { s throws(JSONataError) in .string(try encodeURI(s, keep: "-_.!~*'()")) }
            },
            define("encodeUrl", "<s-:s>") { args, _ throws(JSONataError) in
                try arg(args, 0)?.string.map { s throws(JSONataError) in .string(try encodeURI(s, keep: "-_.!~*'();/?:@&=+$,#")) }
            },
            define("decodeUrlComponent", "<s-:s>") { args, _ throws(JSONataError) in
                try arg(args, 0)?.string.map { s throws(JSONataError) in .string(try decodeURI(s, reserved: "")) }
            },
            define("decodeUrl", "<s-:s>") { args, _ throws(JSONataError) in
                try arg(args, 0)?.string.map { s throws(JSONataError) in .string(try decodeURI(s, reserved: ";/?:@&=+$,#")) }
            },
            define("eval", "<sx?:x>") { args, call throws(JSONataError) in
                guard case .string(let source)? = arg(args, 0) else { return nil }
                var input = call.input
                if let focus = arg(args, 1) {
                    input = focus
                    if case .array(var a)? = input, !a.sequence {
                        a = JArray([.array(a)], sequence: true)
                        a.outerWrapper = true
                        input = .array(a)
                    }
                }
                let tree: Node
                do throws(JSONataError) {
                    tree = try Parser.parse(source)
                } catch {
                    throw JSONataError("D3120", message: "Syntax error in expression passed to $eval: \(error.message)")
                }
                do throws(JSONataError) {
                    return try call.evaluator.evaluate(tree, input, call.environment)
                } catch {
                    throw JSONataError("D3121", message: error.message)
                }
            },
        ]
    }

    static func replace(_ args: [Value?], _ call: CallContext) throws(JSONataError) -> Value? {
        guard case .string(let s)? = arg(args, 0) else { return nil }
        let pattern = arg(args, 1)
        if case .string("")? = pattern { throw JSONataError("D3010") }
        var limit: Int?
        if case .number(let l)? = arg(args, 3) {
            if l < 0 { throw JSONataError("D3011") }
            limit = l.rounded(.down).clampedInt
        }
        if limit == 0 { return .string(s) }
        let replacement = arg(args, 2)
        if case .string(let p)? = pattern {
            guard case .string(let r)? = replacement else { return .string(s) }
            var out = ""
            var rest = Substring(s)
            var count = 0
            while let range = rest.range(of: p), limit.map({ count < $0 }) ?? true {
                try call.evaluator.admitString(bytes: out.utf8.count + s.utf8.count + r.utf8.count)
                out += rest[..<range.lowerBound] + r
                rest = rest[range.upperBound...]
                count += 1
            }
            return .string(out + rest)
        }
        guard case .function? = pattern else { return .string(s) }
        let ns = s as NSString
        let matches = try matches(pattern, in: s, limit: limit, call)
        if matches.isEmpty { return .string(s) }
        var out = ""
        var position = 0
        for m in matches {
            let start = Int(m["start"]!.number!)
            out += ns.substring(with: NSRange(location: position, length: start - position))
            switch replacement {
            case .string(let r)?:
                try call.evaluator.admitString(bytes: out.utf8.count + s.utf8.count + r.utf8.count)
                out += substitute(r, m)
            case .function?:
                let replaced = try call.evaluator.apply(replacement, [.object(m)], call.input, call.environment)
                guard case .string(let r)? = replaced else { throw JSONataError("D3012") }
                try call.evaluator.admitString(bytes: out.utf8.count + s.utf8.count + r.utf8.count)
                out += r
            default: break
            }
            position = Int(m["end"]!.number!)
        }
        out += ns.substring(from: position)
        return .string(out)
    }

    /// `$n` and `$$` substitution in a replacement string.
    static func substitute(_ replacement: String, _ m: JObject) -> String {
        let groups = m["groups"]?.arrayValue?.items ?? []
        let chars = Array(replacement.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c == "$", i + 1 < chars.count else {
                out.append(c)
                i += 1
                continue
            }
            let next = chars[i + 1]
            if next == "$" {
                out.append("$")
                i += 2
                continue
            }
            if next == "0" {
                out.append(contentsOf: (m["match"]?.string ?? "").unicodeScalars)
                i += 2
                continue
            }
            let maxDigits = groups.isEmpty ? 1 : Int(log10(Double(groups.count)).rounded(.down)) + 1
            func digits(_ n: Int) -> Int? {
                var text = ""
                var j = i + 1
                while j < chars.count && text.count < n && chars[j].properties.numericType != nil && ("0"..."9").contains(chars[j]) {
                    text.unicodeScalars.append(chars[j])
                    j += 1
                }
                return Int(text)
            }
            var index = digits(maxDigits)
            if maxDigits > 1, let ix = index, ix > groups.count { index = digits(maxDigits - 1) }
            if let index {
                if !groups.isEmpty, index >= 1, index <= groups.count, case .string(let g) = groups[index - 1] {
                    out.append(contentsOf: g.unicodeScalars)
                }
                i += 1 + String(index).count
            } else {
                out.append("$")
                i += 1
            }
        }
        return String(out)
    }

    static func encodeURI(_ s: String, keep: String) throws(JSONataError) -> String {
        let allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        )
        .union(CharacterSet(charactersIn: keep))
        for u in s.utf16 where (0xD800...0xDFFF).contains(u) {
            // Swift strings cannot hold lone surrogates; any that reached here were replaced.
            _ = u
        }
        if s.unicodeScalars.contains(where: { $0 == "\u{FFFD}" }) { throw JSONataError("D3140") }
        guard let e = s.addingPercentEncoding(withAllowedCharacters: allowed) else { throw JSONataError("D3140") }
        return e
    }

    static func decodeURI(_ s: String, reserved: String) throws(JSONataError) -> String {
        // Validate every escape first: decodeURI keeps escapes of reserved characters as they are.
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let b = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) else {
                    throw JSONataError("D3140")
                }
                if b < 0x80, reserved.utf8.contains(b) {
                    out.append(contentsOf: bytes[i...(i + 2)])
                } else {
                    out.append(b)
                }
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        guard let decoded = String(validating: out, as: UTF8.self) else { throw JSONataError("D3140") }
        return decoded
    }
}
