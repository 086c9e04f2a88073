/// A function signature such as `<s-n?:s>`: validates and coerces arguments (the `-` context argument, optional
/// `?`, repeated `+`, arrays of a subtype `a<n>`, single values promoted to arrays).
///
/// The reference implementation turns a signature into a regular expression over one letter per argument type;
/// such expressions are only character classes with `?` and `+`, so they are matched here directly (greedy, with
/// backtracking, exactly as a regex engine would) — every function call validates its arguments, so this is hot.
struct Signature: Sendable {
    struct Param: Sendable {
        var type: Character
        /// The argument-type letters this parameter accepts (`m` = missing), one bit per letter.
        var accepts: UInt32
        var optional = false
        var repeats = false
        var context = false
        var subtype: String?
        var choice: String?

        init(type: Character, accepts: String, choice: String? = nil) {
            self.type = type
            self.accepts = accepts.utf8.reduce(0) { $0 | Signature.bit($1) }
            self.choice = choice
        }
    }

    let definition: String
    let params: [Param]

    static let transform = try! Signature("<(oa):o>")

    init(_ signature: String) throws(JSONataError) {
        definition = signature
        let chars = Array(signature)
        var params: [Param] = []
        var position = 1
        func closing(_ start: Int, _ open: Character, _ close: Character) -> Int {
            var depth = 1
            var p = start
            while p < chars.count - 1 {
                p += 1
                if chars[p] == open {
                    depth += 1
                } else if chars[p] == close {
                    depth -= 1
                    if depth == 0 { break }
                }
            }
            return p
        }
        while position < chars.count {
            let symbol = chars[position]
            if symbol == ":" { break }
            switch symbol {
            case "s", "n", "b", "l", "o":
                params.append(Param(type: symbol, accepts: "\(symbol)m"))
            case "a":
                params.append(Param(type: symbol, accepts: "asnblfom"))
            case "f":
                params.append(Param(type: symbol, accepts: "f"))
            case "j":
                params.append(Param(type: symbol, accepts: "asnblom"))
            case "x":
                params.append(Param(type: symbol, accepts: "asnblfom"))
            case "-":
                guard !params.isEmpty else { break }
                params[params.count - 1].context = true
                params[params.count - 1].optional = true
            case "?":
                guard !params.isEmpty else { break }
                params[params.count - 1].optional = true
            case "+":
                guard !params.isEmpty else { break }
                params[params.count - 1].repeats = true
            case "(":
                let end = closing(position, "(", ")")
                let choice = String(chars[(position + 1)..<end])
                if choice.contains("<") { throw JSONataError("S0402", position: position, token: choice) }
                params.append(Param(type: "(", accepts: "\(choice)m", choice: choice))
                position = end
            case "<":
                guard let last = params.last, last.type == "a" || last.type == "f" else {
                    throw JSONataError("S0401", position: position, token: String(params.last?.type ?? "<"))
                }
                let end = closing(position, "<", ">")
                params[params.count - 1].subtype = String(chars[(position + 1)..<end])
                position = end
            default: break
            }
            position += 1
        }
        self.params = params
    }

    /// How many argument letters each of the first `count` parameters takes, as the regex `^(p1)(p2)…` (with `$`
    /// when `whole`) would capture them: each parameter greedy, backtracking only when a later one cannot match.
    func match(_ supplied: [UInt8], params count: Int, whole: Bool) -> [Int]? {
        var lengths = [Int](repeating: 0, count: count)
        func step(_ index: Int, _ at: Int) -> Bool {
            if index == count { return !whole || at == supplied.count }
            let param = params[index]
            var most = 0
            let limit = param.repeats ? supplied.count - at : min(1, supplied.count - at)
            while most < limit && param.accepts & Self.bit(supplied[at + most]) != 0 { most += 1 }
            let least = param.optional ? 0 : 1
            guard most >= least else { return false }
            for taken in stride(from: most, through: least, by: -1) {
                lengths[index] = taken
                if step(index + 1, at + taken) { return true }
            }
            return false
        }
        return step(0, 0) ? lengths : nil
    }

    /// The bit of an ASCII type letter.
    @inline(__always) static func bit(_ letter: UInt8) -> UInt32 { 1 << UInt32((letter &- 97) & 31) }

    /// The type letter of an argument, as an ASCII byte.
    static func symbol(_ value: Value?) -> UInt8 {
        switch value {
        case nil: UInt8(ascii: "m")
        case .function?: UInt8(ascii: "f")
        case .string?: UInt8(ascii: "s")
        case .number?, .integer?: UInt8(ascii: "n")
        case .bool?: UInt8(ascii: "b")
        case .null?: UInt8(ascii: "l")
        case .array?: UInt8(ascii: "a")
        case .object?: UInt8(ascii: "o")
        }
    }

    static let arrayTypeNames: [String: String] = ["a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"]

    /// The arguments, validated and coerced; `context` fills a missing `-` argument.
    func validate(_ args: [Value?], context: Value?) throws(JSONataError) -> [Value?] {
        let supplied = args.map(Self.symbol)
        guard let lengths = match(supplied, params: params.count, whole: true) else {
            throw validationError(supplied)
        }
        var validated: [Value?] = []
        var argIndex = 0
        var start = 0
        for (index, param) in params.enumerated() {
            let matched = supplied[start..<(start + lengths[index])]
            start += lengths[index]
            if matched.isEmpty {
                if param.context {
                    if param.accepts & Self.bit(Self.symbol(context)) != 0 {
                        validated.append(context)
                    } else {
                        throw JSONataError(
                            "T0411", token: nil, message: "Context value is not a compatible type with argument \(argIndex + 1) of function"
                        )
                        .with(index: argIndex + 1)
                    }
                } else {
                    validated.append(argIndex < args.count ? args[argIndex] : nil)
                    argIndex += 1
                }
                continue
            }
            for single in matched {
                var arg = argIndex < args.count ? args[argIndex] : nil
                if param.type == "a" {
                    if single == UInt8(ascii: "m") {
                        arg = nil
                    } else {
                        var ok = true
                        if let subtype = param.subtype {
                            if single != UInt8(ascii: "a") && !matched.elementsEqual(subtype.utf8) {
                                ok = false
                            } else if single == UInt8(ascii: "a"), case .array(let a)? = arg, let first = a.items.first {
                                let itemType = Self.symbol(first)
                                if itemType != subtype.utf8.first {
                                    ok = false
                                } else {
                                    ok = a.items.allSatisfy { Self.symbol($0) == itemType }
                                }
                            }
                        }
                        if !ok {
                            throw JSONataError(
                                "T0412",
                                message:
                                    "Argument \(argIndex + 1) of function must be an array of \(Self.arrayTypeNames[param.subtype ?? ""] ?? "values")"
                            ).with(index: argIndex + 1)
                        }
                        if single != UInt8(ascii: "a"), let a = arg { arg = .list([a]) }
                    }
                }
                validated.append(arg)
                argIndex += 1
            }
        }
        return validated
    }

    /// T0410 naming the first argument that the signature cannot take: the one after the longest prefix the
    /// leading parameters match.
    func validationError(_ supplied: [UInt8]) -> JSONataError {
        var goodTo = 0
        for count in 1...max(1, params.count) where count <= params.count {
            guard let lengths = match(supplied, params: count, whole: false) else { break }
            goodTo = lengths.reduce(0, +)
        }
        return JSONataError("T0410", message: "Argument \(goodTo + 1) of function does not match function signature").with(index: goodTo + 1)
    }
}

extension JSONataError {
    func with(index: Int) -> JSONataError { self }
}
