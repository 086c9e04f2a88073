/// Writes compact JSON straight into bytes, for hot paths where building a ``JSONValue`` first would cost more than
/// the data itself (sandbox pages, webhook bodies). Commas are placed automatically.
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    /// Creates an empty writer with some capacity reserved.
    public init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    /// `{`
    public mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    /// `}`
    public mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// `[`
    public mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    /// `]`
    public mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member name; the next value written is its value.
    public mutating func key(_ name: String) {
        separator()
        appendEscaped(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    /// A string, or `null`.
    public mutating func string(_ s: String?) {
        separator()
        guard let s else { bytes.append(contentsOf: Self.nullBytes); return }
        appendEscaped(s)
    }

    /// An integer, or `null`.
    public mutating func int(_ n: Int64?) {
        separator()
        guard let n else { bytes.append(contentsOf: Self.nullBytes); return }
        appendDigits(n)
    }

    /// Epoch seconds as a quoted `YYYY-MM-DDTHH:MM:SSZ` string (Zendesk's timestamp form), without formatting a String.
    public mutating func timestamp(seconds t: Int64) {
        separator()
        let c = CivilDate.split(seconds: t)
        bytes.append(UInt8(ascii: "\""))
        appendPadded(c.year, 4); bytes.append(UInt8(ascii: "-")); appendPadded(c.month, 2); bytes.append(UInt8(ascii: "-"))
        appendPadded(c.day, 2); bytes.append(UInt8(ascii: "T")); appendPadded(c.hour, 2); bytes.append(UInt8(ascii: ":"))
        appendPadded(c.minute, 2); bytes.append(UInt8(ascii: ":")); appendPadded(c.second, 2)
        bytes.append(UInt8(ascii: "Z")); bytes.append(UInt8(ascii: "\""))
    }

    /// A string made of a prefix, an integer and a suffix (`"https://…/tickets/42.json"`), written without
    /// building the String.
    public mutating func string(_ prefix: String, _ n: Int64, _ suffix: String) {
        separator()
        appendEscaped(prefix, openQuote: true, closeQuote: false)
        appendDigits(n)
        appendEscaped(suffix, openQuote: false, closeQuote: true)
    }

    private mutating func appendDigits(_ n: Int64) {
        if n < 0 {
            bytes.append(UInt8(ascii: "-"))
            if n == .min { bytes.append(contentsOf: "9223372036854775808".utf8); return }
            appendDigits(-n)
            return
        }
        if n < 10 { bytes.append(UInt8(48 + n)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = n
        withUnsafeMutableBytes(of: &digits) { buffer in
            while v > 0 {
                buffer[count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[i]) }
        }
    }

    private mutating func appendPadded(_ n: Int64, _ width: Int) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var v = n
        while divisor > 0 {
            bytes.append(UInt8(48 + (v / divisor) % 10))
            v %= divisor
            divisor /= 10
        }
    }

    /// A Boolean.
    public mutating func bool(_ b: Bool) {
        separator()
        bytes.append(contentsOf: b ? Self.trueBytes : Self.falseBytes)
    }

    /// `null`.
    public mutating func null() {
        separator()
        bytes.append(contentsOf: Self.nullBytes)
    }

    /// Any value.
    public mutating func value(_ v: JSONValue) {
        separator()
        var s = ""
        v.write(to: &s)
        bytes.append(contentsOf: s.utf8)
    }

    /// Member helpers.
    public mutating func field(_ name: String, _ s: String?) { key(name); string(s) }
    public mutating func field(_ name: String, _ n: Int64?) { key(name); int(n) }
    public mutating func field(_ name: String, _ b: Bool) { key(name); bool(b) }

    private mutating func appendEscaped(_ s: String) {
        appendEscaped(s, openQuote: true, closeQuote: true)
    }

    /// Escapes `s`, with the opening and closing quotes as asked (a string may be written in pieces).
    private mutating func appendEscaped(_ s: String, openQuote: Bool, closeQuote: Bool) {
        if openQuote { bytes.append(UInt8(ascii: "\"")) }
        var s = s
        let fast = s.withUTF8 { utf8 -> Bool in
            for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if fast {
            if closeQuote { bytes.append(UInt8(ascii: "\"")) }
            return
        }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, 110])
            case 0x0D: bytes.append(contentsOf: [92, 114])
            case 0x09: bytes.append(contentsOf: [92, 116])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        if closeQuote { bytes.append(UInt8(ascii: "\"")) }
    }

    static let nullBytes = Array("null".utf8)
    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
}
