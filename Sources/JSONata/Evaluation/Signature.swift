import Foundation

/// A function signature such as `<s-n?:s>`: validates and coerces arguments (the `-` context argument, optional
/// `?`, repeated `+`, arrays of a subtype `a<n>`, single values promoted to arrays).
struct Signature: @unchecked Sendable {
    struct Param {
        var type: Character
        var regex: String
        var context = false
        var contextRegex: NSRegularExpression?
        var subtype: String?
        var choice: String?
    }

    let definition: String
    let params: [Param]
    let matcher: NSRegularExpression

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
                if chars[p] == open { depth += 1 } else if chars[p] == close {
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
                params.append(Param(type: symbol, regex: "[\(symbol)m]"))
            case "a":
                params.append(Param(type: symbol, regex: "[asnblfom]"))
            case "f":
                params.append(Param(type: symbol, regex: "f"))
            case "j":
                params.append(Param(type: symbol, regex: "[asnblom]"))
            case "x":
                params.append(Param(type: symbol, regex: "[asnblfom]"))
            case "-":
                guard !params.isEmpty else { break }
                params[params.count - 1].context = true
                params[params.count - 1].contextRegex = try? NSRegularExpression(pattern: "^" + params[params.count - 1].regex + "$")
                params[params.count - 1].regex += "?"
            case "?", "+":
                guard !params.isEmpty else { break }
                params[params.count - 1].regex += String(symbol)
            case "(":
                let end = closing(position, "(", ")")
                let choice = String(chars[(position + 1)..<end])
                if choice.contains("<") { throw JSONataError("S0402", position: position, token: choice) }
                params.append(Param(type: "(", regex: "[\(choice)m]", choice: choice))
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
        let pattern = "^" + params.map { "(\($0.regex))" }.joined() + "$"
        matcher = try! NSRegularExpression(pattern: pattern)
    }

    static func symbol(_ value: Value?) -> Character {
        switch value {
        case nil: "m"
        case .function?: "f"
        case .string?: "s"
        case .number?: "n"
        case .bool?: "b"
        case .null?: "l"
        case .array?: "a"
        case .object?: "o"
        }
    }

    static let arrayTypeNames: [String: String] = ["a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"]

    /// The arguments, validated and coerced; `context` fills a missing `-` argument.
    func validate(_ args: [Value?], context: Value?) throws(JSONataError) -> [Value?] {
        let supplied = String(args.map(Self.symbol))
        let ns = supplied as NSString
        guard let match = matcher.firstMatch(in: supplied, range: NSRange(location: 0, length: ns.length)) else {
            throw validationError(args, supplied)
        }
        var validated: [Value?] = []
        var argIndex = 0
        for (index, param) in params.enumerated() {
            let range = match.range(at: index + 1)
            let matched = range.location == NSNotFound ? "" : ns.substring(with: range)
            if matched.isEmpty {
                if param.context, let contextRegex = param.contextRegex {
                    let type = String(Self.symbol(context))
                    if contextRegex.firstMatch(in: type, range: NSRange(location: 0, length: (type as NSString).length)) != nil {
                        validated.append(context)
                    } else {
                        throw JSONataError("T0411", token: nil, message: "Context value is not a compatible type with argument \(argIndex + 1) of function")
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
                    if single == "m" {
                        arg = nil
                    } else {
                        var ok = true
                        if let subtype = param.subtype {
                            if single != "a" && matched != subtype {
                                ok = false
                            } else if single == "a", case .array(let a)? = arg, let first = a.items.first {
                                let itemType = Self.symbol(first)
                                if String(itemType) != String(subtype.prefix(1)) {
                                    ok = false
                                } else {
                                    ok = a.items.allSatisfy { Self.symbol($0) == itemType }
                                }
                            }
                        }
                        if !ok {
                            throw JSONataError(
                                "T0412", message: "Argument \(argIndex + 1) of function must be an array of \(Self.arrayTypeNames[param.subtype ?? ""] ?? "values")"
                            ).with(index: argIndex + 1)
                        }
                        if single != "a", let a = arg { arg = .list([a]) }
                    }
                }
                validated.append(arg)
                argIndex += 1
            }
        }
        return validated
    }

    func validationError(_ args: [Value?], _ supplied: String) -> JSONataError {
        var partial = "^"
        var goodTo = 0
        let ns = supplied as NSString
        for param in params {
            partial += param.regex
            guard let re = try? NSRegularExpression(pattern: partial),
                let m = re.firstMatch(in: supplied, range: NSRange(location: 0, length: ns.length))
            else {
                return JSONataError("T0410", message: "Argument \(goodTo + 1) of function does not match function signature").with(index: goodTo + 1)
            }
            goodTo = m.range.length
        }
        return JSONataError("T0410", message: "Argument \(goodTo + 1) of function does not match function signature").with(index: goodTo + 1)
    }
}

extension JSONataError {
    func with(index: Int) -> JSONataError { self }
}
