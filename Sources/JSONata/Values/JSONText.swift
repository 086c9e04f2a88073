import Foundation

/// JSON text in and out: JavaScript's number printing and `JSON.stringify` layout, and an order-keeping parser.
public enum JSONText {
    /// Prints like JavaScript's `JSON.stringify` (numbers rounded to 15 significant digits as JSONata's `$string`
    /// does; functions as `""`).
    static func write(_ v: Value, into out: inout String, indent: Int?, level: Int) throws(JSONataError) {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n):
            if !n.isFinite { throw JSONataError("D1001") }
            // Like $string: 15 significant digits, so 0.1 + 0.2 prints 0.3; integers stay exact.
            out += numberString(n == n.rounded() && Swift.abs(n) < 1e17 ? n : Double(String(format: "%.14e", n)) ?? n)
        case .integer(let i): out += String(i)
        case .string(let s): quote(s, into: &out)
        case .function: out += "\"\""
        case .array(let a):
            if a.items.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in a.items.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                try write(item, into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "]"
        case .object(let o):
            if o.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            for (i, (k, item)) in o.pairs.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                quote(k, into: &out)
                out += indent == nil ? ":" : ": "
                try write(item, into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "}"
        }
    }

    static func newline(_ out: inout String, _ indent: Int?, _ level: Int) {
        guard let indent else { return }
        out += "\n" + String(repeating: " ", count: indent * level)
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// JavaScript's `Number.prototype.toString()` for finite numbers.
    public static func numberString(_ n: Double) -> String {
        if n == 0 { return "0" }
        // Whole numbers below 10^18 print as their integer digits in JavaScript too; most numbers are such.
        if n == n.rounded(.towardZero) && n.magnitude < 1e18 { return String(Int64(n)) }
        if n < 0 { return "-" + numberString(-n) }
        // Shortest round-trip digits and decimal exponent, from Swift's own shortest printing.
        let text = "\(n)"
        var digits = ""
        var exponent = 0
        var mantissa = text
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        digits = intPart + fracPart
        var pointPos = intPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            pointPos -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let k = digits.count
        let nExp = pointPos
        if k <= nExp && nExp <= 21 {
            return digits + String(repeating: "0", count: nExp - k)
        }
        if 0 < nExp && nExp <= 21 {
            let i = digits.index(digits.startIndex, offsetBy: nExp)
            return String(digits[..<i]) + "." + String(digits[i...])
        }
        if -6 < nExp && nExp <= 0 {
            return "0." + String(repeating: "0", count: -nExp) + digits
        }
        let e = nExp - 1
        let sign = e < 0 ? "-" : "+"
        let m = k == 1 ? digits : String(digits.prefix(1)) + "." + String(digits.dropFirst())
        return m + "e" + sign + String(abs(e))
    }

    /// Parses JSON text keeping object key order.
    public static func parse(_ text: String) throws(JSONataError) -> Value {
        var p = OrderedJSONParser(bytes: Array(text.utf8))
        p.skip()
        let v = try p.value()
        p.skip()
        guard p.i == p.bytes.count else { throw JSONataError("D0001", message: "Trailing characters in JSON") }
        return v
    }
}

struct OrderedJSONParser {
    let bytes: [UInt8]
    var i = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skip() {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    func fail(_ m: String) -> JSONataError { JSONataError("D0001", position: i, message: "Invalid JSON: \(m)") }

    mutating func value() throws(JSONataError) -> Value {
        guard i < bytes.count else { throw fail("unexpected end") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            let o = JObject()
            skip()
            if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .object(o)
            }
            while true {
                skip()
                guard case .string(let k) = try value() else { throw fail("object key") }
                skip()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected :") }
                i += 1
                skip()
                o[k] = try value()
                skip()
                guard i < bytes.count else { throw fail("unterminated object") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return .object(o)
                }
                throw fail("expected , or }")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [Value] = []
            skip()
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .list(items)
            }
            while true {
                skip()
                items.append(try value())
                skip()
                guard i < bytes.count else { throw fail("unterminated array") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return .list(items)
                }
                throw fail("expected , or ]")
            }
        case UInt8(ascii: "\""):
            i += 1
            var buf: [UInt8] = []
            var utf16: [UInt16] = []
            func flushUTF16(_ buf: inout [UInt8], _ utf16: inout [UInt16]) {
                if !utf16.isEmpty {
                    buf.append(contentsOf: Array(String(decoding: utf16, as: UTF16.self).utf8))
                    utf16.removeAll()
                }
            }
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    flushUTF16(&buf, &utf16)
                    return .string(String(decoding: buf, as: UTF8.self))
                }
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard i < bytes.count else { break }
                    let e = bytes[i]
                    if e == UInt8(ascii: "u") {
                        guard i + 4 < bytes.count, let code = UInt16(String(decoding: bytes[(i + 1)...(i + 4)], as: UTF8.self), radix: 16) else {
                            throw fail("bad \\u escape")
                        }
                        utf16.append(code)
                        i += 5
                        continue
                    }
                    flushUTF16(&buf, &utf16)
                    switch e {
                    case UInt8(ascii: "n"): buf.append(0x0A)
                    case UInt8(ascii: "t"): buf.append(0x09)
                    case UInt8(ascii: "r"): buf.append(0x0D)
                    case UInt8(ascii: "b"): buf.append(0x08)
                    case UInt8(ascii: "f"): buf.append(0x0C)
                    default: buf.append(e)
                    }
                    i += 1
                    continue
                }
                flushUTF16(&buf, &utf16)
                buf.append(c)
                i += 1
            }
            throw fail("unterminated string")
        case UInt8(ascii: "t"):
            i += 4
            return .bool(true)
        case UInt8(ascii: "f"):
            i += 5
            return .bool(false)
        case UInt8(ascii: "n"):
            i += 4
            return .null
        default:
            let start = i
            while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
            guard let n = Double(String(decoding: bytes[start..<i], as: UTF8.self)) else { throw fail("bad number") }
            return .number(n)
        }
    }
}
