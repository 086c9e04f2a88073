/// A top-down operator-precedence (Pratt) parser producing the raw syntax tree, which ``PostProcessor`` then
/// rewrites into paths, steps and stages for the evaluator.
struct Parser {
    static let bindingPowers: [String: Int] = [
        ".": 75, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "=": 40, "<": 40, ">": 40, "!=": 40, "<=": 40, ">=": 40,
        "&": 50, "and": 30, "or": 25, "in": 40, "~>": 40, "(": 80, "[": 80, "^": 40, "{": 70, ":=": 10, "@": 80, "#": 80,
        "?": 20, "??": 40, "?:": 40,
    ]
    static let symbols: Set<String> = Set(bindingPowers.keys).union([":", ";", ",", ")", "]", "}", "..", "**", "|"])

    /// The deepest syntax tree accepted. Every later stage (post-processing, evaluation, releasing the tree) walks
    /// the tree recursively, so a deeper one is refused here with S0218 instead of overflowing the stack. A parse
    /// that uses more than its ``StackBudget`` is refused the same way, whatever its level.
    static let maximumNesting = 1_000

    var lexer: Lexer
    var token: Token?
    var id = "(end)"
    let length: Int
    /// An upper bound on the height of the tree being built at the current point of the parse.
    var nesting = 0
    /// The parse's share of the thread's stack.
    let stack = StackBudget()

    init(_ source: String) {
        lexer = Lexer(source)
        length = lexer.chars.count
    }

    static func parse(_ source: String) throws(JSONataError) -> Node {
        var parser = Parser(source)
        try parser.advance()
        let tree = try parser.expression(0)
        if parser.id != "(end)" {
            throw JSONataError("S0201", position: parser.token?.position ?? parser.length, token: parser.token?.text)
        }
        return try PostProcessor().process(tree)
    }

    var position: Int { token?.position ?? length }

    @discardableResult
    mutating func advance(_ expected: String? = nil, infix: Bool = false) throws(JSONataError) -> Token? {
        if let expected, id != expected {
            throw JSONataError(
                id == "(end)" ? "S0203" : "S0202", position: position, token: token?.text ?? "(end)",
                message: "Expected \"\(expected)\", got \"\(token?.text ?? "(end)")\"")
        }
        guard let next = try lexer.next(infix: infix) else {
            token = nil
            id = "(end)"
            return nil
        }
        switch next.kind {
        case .name, .variable: id = "(name)"
        case .string, .number, .value: id = "(literal)"
        case .regex: id = "(regex)"
        case .operator:
            guard Self.symbols.contains(next.text) else { throw JSONataError("S0204", position: next.position, token: next.text) }
            id = next.text
        }
        token = next
        return next
    }

    var lbp: Int { token?.kind == .operator ? Self.bindingPowers[id] ?? 0 : 0 }

    mutating func expression(_ rbp: Int) throws(JSONataError) -> Node {
        let entry = nesting
        defer { nesting = entry }
        try deepen()
        var t = token
        var tid = id
        try advance(nil, infix: true)
        var left = try nud(t, id: tid)
        while rbp < lbp {
            // Each infix operator puts a node above everything parsed so far (`1+1+1…` is a left-deep chain).
            try deepen()
            t = token
            tid = id
            try advance()
            left = try led(t!, id: tid, left: left)
        }
        return left
    }

    /// One level deeper; past ``maximumNesting`` the expression is refused.
    mutating func deepen() throws(JSONataError) {
        nesting += 1
        if nesting > Self.maximumNesting || stack.isExhausted() {
            throw JSONataError("S0218", position: position, token: token?.text)
        }
    }

    mutating func nud(_ t: Token?, id tid: String) throws(JSONataError) -> Node {
        guard let t else { throw JSONataError("S0207", position: length, token: "(end)") }
        switch t.kind {
        case .name: return Node(.name, value: t.text, position: t.position)
        case .variable: return Node(.variable, value: t.text, position: t.position)
        case .string: return Node(.string, value: t.text, position: t.position, literal: t.literal)
        case .number: return Node(.number, value: t.text, position: t.position, literal: t.literal)
        case .value: return Node(.value, value: t.text, position: t.position, literal: t.literal)
        case .regex:
            let n = Node(.regex, value: t.text, position: t.position)
            n.regex = t.regex
            return n
        case .operator: break
        }
        let node = Node(.unary, value: tid, position: t.position)
        switch tid {
        case "and", "or", "in":
            return Node(.operator, value: tid, position: t.position)
        case "-":
            node.expression = try expression(70)
        case "*": node.kind = .wildcard
        case "**": node.kind = .descendant
        case "%": node.kind = .parent
        case "(":
            var expressions: [Node] = []
            while id != ")" {
                expressions.append(try expression(0))
                if id != ";" { break }
                try advance(";")
            }
            try advance(")", infix: true)
            node.kind = .block
            node.expressions = expressions
        case "[":
            var items: [Node] = []
            if id != "]" {
                while true {
                    var item = try expression(0)
                    if id == ".." {
                        let range = Node(.binary, value: "..", position: position)
                        range.lhs = item
                        try advance("..")
                        range.rhs = try expression(0)
                        item = range
                    }
                    items.append(item)
                    if id != "," { break }
                    try advance(",")
                }
            }
            try advance("]", infix: true)
            node.expressions = items
        case "{":
            node.pairs = try objectPairs()
        case "|":
            node.kind = .transform
            node.pattern = try expression(0)
            try advance("|")
            node.update = try expression(0)
            if id == "," {
                try advance(",")
                node.delete = try expression(0)
            }
            try advance("|")
        default:
            throw JSONataError("S0211", position: t.position, token: t.text)
        }
        return node
    }

    mutating func objectPairs() throws(JSONataError) -> [(Node, Node)] {
        var pairs: [(Node, Node)] = []
        if id != "}" {
            while true {
                let name = try expression(0)
                try advance(":")
                let value = try expression(0)
                pairs.append((name, value))
                if id != "," { break }
                try advance(",")
            }
        }
        try advance("}", infix: true)
        return pairs
    }

    mutating func led(_ t: Token, id tid: String, left: Node) throws(JSONataError) -> Node {
        let node = Node(.binary, value: tid, position: t.position)
        switch tid {
        case "(":
            return try call(node, procedure: left)
        case "[":
            if id == "]" {
                var step: Node? = left
                while let s = step, s.kind == .binary, s.value == "[" { step = s.lhs }
                step?.keepArray = true
                try advance("]")
                return left
            }
            node.lhs = left
            node.rhs = try expression(0)
            try advance("]", infix: true)
        case "^":
            try advance("(")
            while true {
                var descending = false
                if id == "<" {
                    try advance("<")
                } else if id == ">" {
                    descending = true
                    try advance(">")
                }
                node.rawTerms.append((descending, try expression(0)))
                if id != "," { break }
                try advance(",")
            }
            try advance(")")
            node.lhs = left
        case "{":
            node.lhs = left
            node.pairs = try objectPairs()
        case ":=":
            guard left.kind == .variable else { throw JSONataError("S0212", position: left.position, token: left.value) }
            node.lhs = left
            node.rhs = try expression(Self.bindingPowers[":="]! - 1)
        case "@", "#":
            node.lhs = left
            let rhs = try expression(Self.bindingPowers[tid]!)
            guard rhs.kind == .variable else { throw JSONataError("S0214", position: rhs.position, token: tid) }
            node.rhs = rhs
        case "?":
            node.kind = .condition
            node.condition = left
            node.then = try expression(0)
            if id == ":" {
                try advance(":")
                node.otherwise = try expression(0)
            }
        case "??", "?:":
            node.kind = tid == "??" ? .coalesce : .elvis
            node.condition = left
            node.otherwise = try expression(0)
        default:
            node.lhs = left
            node.rhs = try expression(Self.bindingPowers[tid] ?? 0)
        }
        return node
    }

    mutating func call(_ node: Node, procedure: Node) throws(JSONataError) -> Node {
        node.kind = .function
        node.procedure = procedure
        if id != ")" {
            while true {
                if token?.kind == .operator && id == "?" {
                    node.kind = .partial
                    node.arguments.append(Node(.operator, value: "?", position: position))
                    try advance("?")
                } else {
                    node.arguments.append(try expression(0))
                }
                if id != "," { break }
                try advance(",")
            }
        }
        try advance(")", infix: true)
        guard procedure.kind == .name, procedure.value == "function" || procedure.value == "λ" else { return node }
        for (i, arg) in node.arguments.enumerated() where arg.kind != .variable {
            throw JSONataError(
                "S0208", position: arg.position, token: arg.value,
                message: "Parameter \(i + 1) of a function definition must be a variable name (start with $)")
        }
        node.kind = .lambda
        if id == "<" {
            let start = position
            var depth = 1
            var text = "<"
            while depth > 0 && id != "{" && id != "(end)" {
                guard let t = try advance() else { break }
                if id == ">" { depth -= 1 } else if id == "<" { depth += 1 }
                text += t.text
            }
            try advance(">")
            do {
                node.signature = try Signature(text)
            } catch {
                throw error.at(start + error.position)
            }
        }
        try advance("{")
        node.body = try expression(0)
        try advance("}")
        return node
    }
}
