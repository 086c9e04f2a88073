/// Compact JSON text for a value, written without Foundation so the hot paths (webhook bodies) stay allocation-light.
extension JSONValue {
    /// Serializes the value as compact JSON. Object members are written with sorted keys when `sortedKeys` is true.
    public func jsonString(sortedKeys: Bool = false) -> String {
        var out = ""
        write(to: &out, sortedKeys: sortedKeys)
        return out
    }

    /// Appends the compact JSON text of the value to `out`.
    public func write(to out: inout String, sortedKeys: Bool = false) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += JSONValue.format(number: n)
        case .string(let s): JSONValue.writeEscaped(s, to: &out)
        case .array(let a):
            out += "["
            for (i, element) in a.enumerated() {
                if i > 0 { out += "," }
                element.write(to: &out, sortedKeys: sortedKeys)
            }
            out += "]"
        case .object(let o):
            out += "{"
            let keys = sortedKeys ? o.keys.sorted() : Array(o.keys)
            for (i, key) in keys.enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeEscaped(key, to: &out)
                out += ":"
                o[key]!.write(to: &out, sortedKeys: sortedKeys)
            }
            out += "}"
        }
    }

    /// Formats a number the way JavaScript's `JSON.stringify` does for the common cases: integers without a
    /// fraction, everything else in the shortest round-tripping form; non-finite numbers become `null`.
    public static func format(number n: Double) -> String {
        guard n.isFinite else { return "null" }
        if let i = exactInteger(n) { return String(i) }
        var s = "\(n)"
        // Swift writes 1e-07 where JavaScript writes 1e-7, and 1e+21 as 1e+21 in both.
        if let e = s.firstIndex(of: "e") {
            let mantissa = s[..<e]
            var exponent = s[s.index(after: e)...]
            var sign = "+"
            if exponent.first == "-" || exponent.first == "+" {
                sign = exponent.first == "-" ? "-" : "+"
                exponent = exponent.dropFirst()
            }
            while exponent.count > 1 && exponent.first == "0" { exponent = exponent.dropFirst() }
            s = "\(mantissa)e\(sign)\(exponent)"
        }
        return s
    }

    static func writeEscaped(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
