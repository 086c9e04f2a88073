import Foundation

extension Functions {
    static func numbers(_ v: Value?) -> [Double]? {
        switch v {
        case nil: return nil
        case .number(let n)?: return [n]
        case .array(let a)?: return a.items.compactMap(\.number)
        default: return nil
        }
    }

    static var numericFunctions: [(String, Value)] {
        [
            define("number", "<(nsb)-:n>") { args, _ throws(JSONataError) in
                switch arg(args, 0) {
                case nil: return nil
                case .number(let n)?: return .number(n)
                case .bool(let b)?: return .number(b ? 1 : 0)
                case .string(let s)?:
                    if s.range(of: #"^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$"#, options: .regularExpression) != nil, let n = Double(s), n.isFinite {
                        return .number(n)
                    }
                    if s.range(of: #"^0[xX][0-9A-Fa-f]+$"#, options: .regularExpression) != nil, let n = UInt64(s.dropFirst(2), radix: 16) {
                        return .number(Double(n))
                    }
                    if s.range(of: #"^0[oO][0-7]+$"#, options: .regularExpression) != nil, let n = UInt64(s.dropFirst(2), radix: 8) {
                        return .number(Double(n))
                    }
                    if s.range(of: #"^0[bB][01]+$"#, options: .regularExpression) != nil, let n = UInt64(s.dropFirst(2), radix: 2) {
                        return .number(Double(n))
                    }
                    throw JSONataError("D3030")
                default: throw JSONataError("D3030")
                }
            },
            define("abs", "<n-:n>") { args, _ in arg(args, 0)?.number.map { .number(Swift.abs($0)) } },
            define("floor", "<n-:n>") { args, _ in arg(args, 0)?.number.map { .number(($0).rounded(.down)) } },
            define("ceil", "<n-:n>") { args, _ in arg(args, 0)?.number.map { .number(($0).rounded(.up)) } },
            define("round", "<n-n?:n>") { args, _ in
                guard case .number(let n)? = arg(args, 0) else { return nil }
                return .number(round(n, precision: int(arg(args, 1)) ?? 0))
            },
            define("power", "<n-n:n>") { args, _ throws(JSONataError) in
                guard case .number(let b)? = arg(args, 0), case .number(let e)? = arg(args, 1) else { return nil }
                let r = Foundation.pow(b, e)
                if !r.isFinite { throw JSONataError("D3061") }
                return .number(r)
            },
            define("sqrt", "<n-:n>") { args, _ throws(JSONataError) in
                guard case .number(let n)? = arg(args, 0) else { return nil }
                if n < 0 { throw JSONataError("D3060") }
                return .number(n.squareRoot())
            },
            define("random", "<:n>") { _, _ in .number(Double.random(in: 0..<1)) },
            define("sum", "<a<n>:n>") { args, _ in numbers(arg(args, 0)).map { .number($0.reduce(0, +)) } },
            define("max", "<a<n>:n>") { args, _ in numbers(arg(args, 0))?.max().map { .number($0) } },
            define("min", "<a<n>:n>") { args, _ in numbers(arg(args, 0))?.min().map { .number($0) } },
            define("average", "<a<n>:n>") { args, _ in
                guard let ns = numbers(arg(args, 0)), !ns.isEmpty else { return nil }
                return .number(ns.reduce(0, +) / Double(ns.count))
            },
            define("formatBase", "<n-n?:s>") { args, _ throws(JSONataError) in
                guard case .number(let n)? = arg(args, 0) else { return nil }
                let value = round(n, precision: 0)
                let radix = int(arg(args, 1)) ?? 10
                if radix < 2 || radix > 36 { throw JSONataError("D3100") }
                // As JavaScript prints it: decimal from 1e21 on in exponent form, every other radix in full.
                if radix == 10 && value.magnitude >= 1e21 { return .string(JSONText.numberString(value)) }
                return .string(IntegerDigits.string(value, radix: radix))
            },
            define("formatNumber", "<n-so?:s>") { args, _ throws(JSONataError) in
                guard case .number(let n)? = arg(args, 0), case .string(let picture)? = arg(args, 1) else { return nil }
                return .string(try NumberFormatting.format(n, picture: picture, options: arg(args, 2)?.objectValue))
            },
            define("formatInteger", "<n-s:s>") { args, _ throws(JSONataError) in
                guard case .number(let n)? = arg(args, 0), case .string(let picture)? = arg(args, 1) else { return nil }
                return .string(try IntegerFormatting.format(n, picture: picture))
            },
            define("parseInteger", "<s-s:n>") { args, _ throws(JSONataError) in
                guard case .string(let s)? = arg(args, 0), case .string(let picture)? = arg(args, 1) else { return nil }
                return try IntegerFormatting.parse(s, picture: picture).map { .number($0) }
            },
        ]
    }

    /// Round half to even at `precision` decimal places, as `$round` does.
    static func round(_ value: Double, precision: Int) -> Double {
        var arg = value
        if precision != 0 {
            let parts = JSONText.numberString(arg).split(separator: "e")
            let exp = parts.count > 1 ? Int(parts[1])! + precision : precision
            arg = Double(String(parts[0]) + "e" + String(exp)) ?? .infinity
            // More decimal places than a double has digits: nothing to round (JavaScript ends in NaN here).
            if !arg.isFinite { return value }
        }
        var result = (arg + 0.5).rounded(.down)
        let diff = result - arg
        if Swift.abs(diff) == 0.5 && Swift.abs(result.truncatingRemainder(dividingBy: 2)) == 1 { result -= 1 }
        if precision != 0 {
            let parts = JSONText.numberString(result).split(separator: "e")
            let exp = parts.count > 1 ? Int(parts[1])! - precision : -precision
            result = Double(String(parts[0]) + "e" + String(exp)) ?? 0
        }
        return result == 0 ? 0 : result
    }
}
