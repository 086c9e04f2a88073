import Foundation

/// One lexical token of an expression.
struct Token {
    enum Kind: Equatable { case `operator`, string, number, value, name, variable, regex }
    let kind: Kind
    /// Operator symbol, name, variable name or string contents.
    let text: String
    /// Literal value for strings, numbers, `true`/`false`/`null`.
    let literal: Value?
    let regex: NSRegularExpression?
    let position: Int
}

/// Splits an expression into tokens, one at a time (the parser decides whether `/` starts a regex).
struct Lexer {
    static let operators: [String: Int] = [
        ".": 75, "[": 80, "]": 0, "{": 70, "}": 0, "(": 80, ")": 0, ",": 0, "@": 80, "#": 80, ";": 80, ":": 80, "?": 20,
        "+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "|": 20, "=": 40, "<": 40, ">": 40, "^": 40, "**": 60, "..": 20,
        ":=": 10, "!=": 40, "<=": 40, ">=": 40, "~>": 40, "??": 40, "?:": 40, "and": 30, "or": 25, "in": 40, "&": 50, "!": 0, "~": 0,
    ]
    static let singleOperators: Set<Unicode.Scalar> = Set(".[]{}(),@#;:?+-*/%|=<>^&!~".unicodeScalars)
    static let whitespace: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "\u{0B}"]

    let chars: [Unicode.Scalar]
    var position = 0

    init(_ source: String) { chars = Array(source.unicodeScalars) }

    func at(_ i: Int) -> Unicode.Scalar? { i < chars.count && i >= 0 ? chars[i] : nil }

    /// The next token; its position is the offset just after it, as JSONata reports positions.
    mutating func next(infix: Bool) throws(JSONataError) -> Token? {
        guard let t = try scan(infix: infix) else { return nil }
        return Token(kind: t.kind, text: t.text, literal: t.literal, regex: t.regex, position: position)
    }

    mutating func scan(infix: Bool) throws(JSONataError) -> Token? {
        while let c = at(position), Self.whitespace.contains(c) { position += 1 }
        guard let c = at(position) else { return nil }
        if c == "/" && at(position + 1) == "*" {
            let start = position
            position += 2
            while !(at(position) == "*" && at(position + 1) == "/") {
                position += 1
                if position >= chars.count { throw JSONataError("S0106", position: start) }
            }
            position += 2
            return try scan(infix: infix)
        }
        if !infix && c == "/" {
            position += 1
            return try scanRegex()
        }
        let two = at(position + 1).map { String(c) + String($0) }
        if let two, ["..", ":=", "!=", ">=", "<=", "**", "~>", "??", "?:"].contains(two) {
            defer { position += 2 }
            return Token(kind: .operator, text: two, literal: nil, regex: nil, position: position)
        }
        if Self.singleOperators.contains(c) {
            defer { position += 1 }
            return Token(kind: .operator, text: String(c), literal: nil, regex: nil, position: position)
        }
        if c == "\"" || c == "'" { return try scanString(quote: c) }
        if let number = try scanNumber() { return number }
        if c == "`" {
            let start = position + 1
            var end = start
            while end < chars.count && chars[end] != "`" { end += 1 }
            guard end < chars.count else {
                position = chars.count
                throw JSONataError("S0105", position: position)
            }
            position = end + 1
            return Token(kind: .name, text: String(String.UnicodeScalarView(chars[start..<end])), literal: nil, regex: nil, position: start - 1)
        }
        var i = position
        while let ch = at(i), !Self.whitespace.contains(ch), !Self.singleOperators.contains(ch) { i += 1 }
        let start = position
        position = i
        if c == "$" {
            return Token(kind: .variable, text: String(String.UnicodeScalarView(chars[(start + 1)..<i])), literal: nil, regex: nil, position: start)
        }
        let name = String(String.UnicodeScalarView(chars[start..<i]))
        switch name {
        case "or", "in", "and": return Token(kind: .operator, text: name, literal: nil, regex: nil, position: start)
        case "true": return Token(kind: .value, text: name, literal: .bool(true), regex: nil, position: start)
        case "false": return Token(kind: .value, text: name, literal: .bool(false), regex: nil, position: start)
        case "null": return Token(kind: .value, text: name, literal: .null, regex: nil, position: start)
        default:
            if name.isEmpty { return nil }
            return Token(kind: .name, text: name, literal: nil, regex: nil, position: start)
        }
    }

    mutating func scanString(quote: Unicode.Scalar) throws(JSONataError) -> Token {
        let start = position
        position += 1
        var out = String.UnicodeScalarView()
        while let c = at(position) {
            if c == "\\" {
                position += 1
                guard let e = at(position) else { break }
                switch e {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "/": out.append("/")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "t": out.append("\t")
                case "u":
                    let hex = String(String.UnicodeScalarView(chars[min(position + 1, chars.count)..<min(position + 5, chars.count)]))
                    guard hex.count == 4, let code = UInt32(hex, radix: 16) else { throw JSONataError("S0104", position: position) }
                    position += 4
                    if (0xD800...0xDBFF).contains(code), at(position + 1) == "\\", at(position + 2) == "u" {
                        let low = String(String.UnicodeScalarView(chars[min(position + 3, chars.count)..<min(position + 7, chars.count)]))
                        if let lowCode = UInt32(low, radix: 16), (0xDC00...0xDFFF).contains(lowCode) {
                            let combined = 0x10000 + ((code - 0xD800) << 10) + (lowCode - 0xDC00)
                            out.append(Unicode.Scalar(combined)!)
                            position += 6
                            break
                        }
                    }
                    out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: throw JSONataError("S0103", position: position, token: String(e))
                }
            } else if c == quote {
                position += 1
                let s = String(out)
                return Token(kind: .string, text: s, literal: .string(s), regex: nil, position: start)
            } else {
                out.append(c)
            }
            position += 1
        }
        throw JSONataError("S0101", position: position)
    }

    mutating func scanNumber() throws(JSONataError) -> Token? {
        var i = position
        func digit(_ j: Int) -> Bool { at(j).map { $0 >= "0" && $0 <= "9" } ?? false }
        if at(i) == "-" { i += 1 }
        guard digit(i) else { return nil }
        if at(i) == "0" { i += 1 } else { while digit(i) { i += 1 } }
        if at(i) == ".", digit(i + 1) {
            i += 1
            while digit(i) { i += 1 }
        }
        if at(i) == "e" || at(i) == "E" {
            var j = i + 1
            if at(j) == "+" || at(j) == "-" { j += 1 }
            if digit(j) {
                while digit(j) { j += 1 }
                i = j
            }
        }
        let text = String(String.UnicodeScalarView(chars[position..<i]))
        guard let n = Double(text), n.isFinite else { throw JSONataError("S0102", position: position, token: text) }
        defer { position = i }
        return Token(kind: .number, text: text, literal: .number(n), regex: nil, position: position)
    }

    mutating func scanRegex() throws(JSONataError) -> Token {
        let start = position
        var depth = 0
        func isClosingSlash(_ p: Int) -> Bool {
            guard at(p) == "/" && depth == 0 else { return false }
            var backslashes = 0
            while at(p - backslashes - 1) == "\\" { backslashes += 1 }
            return backslashes % 2 == 0
        }
        while position < chars.count {
            let c = chars[position]
            if isClosingSlash(position) {
                let pattern = String(String.UnicodeScalarView(chars[start..<position]))
                if pattern.isEmpty { throw JSONataError("S0301", position: position) }
                position += 1
                var options: NSRegularExpression.Options = []
                var flags = ""
                while let f = at(position), f == "i" || f == "m" {
                    if f == "i" { options.insert(.caseInsensitive) } else { options.insert(.anchorsMatchLines) }
                    flags.append(Character(f))
                    position += 1
                }
                guard let regex = try? NSRegularExpression(pattern: pattern, options: options) else {
                    throw JSONataError("S0302", position: start, message: "Invalid regular expression /\(pattern)/")
                }
                return Token(kind: .regex, text: pattern, literal: nil, regex: regex, position: start - 1)
            }
            if (c == "(" || c == "[" || c == "{") && at(position - 1) != "\\" { depth += 1 }
            if (c == ")" || c == "]" || c == "}") && at(position - 1) != "\\" { depth -= 1 }
            position += 1
        }
        throw JSONataError("S0302", position: position)
    }
}
