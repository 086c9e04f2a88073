/// Writes compact JSON straight into bytes, for hot paths where building a ``JSONValue`` first would cost more than
/// the data itself (sandbox pages, webhook bodies). Commas are placed automatically.
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8] = []
    /// Whether the next member or element needs a comma before it. A container that closes has just been written as a
    /// value of its parent, so after it the parent always needs one: no stack of containers is kept.
    private var needsComma = false

    /// Creates an empty writer with some capacity reserved.
    public init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) private mutating func separator() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    @inline(__always) private mutating func open(_ bracket: UInt8) {
        separator()
        bytes.append(bracket)
        needsComma = false
    }

    @inline(__always) private mutating func close(_ bracket: UInt8) {
        needsComma = true
        bytes.append(bracket)
    }

    /// `{`
    public mutating func beginObject() { open(UInt8(ascii: "{")) }

    /// `}`
    public mutating func endObject() { close(UInt8(ascii: "}")) }

    /// `[`
    public mutating func beginArray() { open(UInt8(ascii: "[")) }

    /// `]`
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A member name; the next value written is its value.
    public mutating func key(_ name: String) {
        separator()
        appendEscaped(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A string, or `null`.
    public mutating func string(_ s: String?) {
        separator()
        guard let s else {
            bytes.append(contentsOf: Self.nullBytes)
            return
        }
        appendEscaped(s)
    }

    /// An integer, or `null`.
    public mutating func int(_ n: Int64?) {
        separator()
        guard let n else {
            bytes.append(contentsOf: Self.nullBytes)
            return
        }
        appendDigits(n)
    }

    /// Epoch seconds as a quoted `YYYY-MM-DDTHH:MM:SSZ` string (Zendesk's timestamp form), without formatting a String.
    public mutating func timestamp(seconds t: Int64) {
        separator()
        let c = CivilDate.split(seconds: t)
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &text) { b in
            func put(_ n: Int64, _ width: Int, at start: Int) {
                var v = n
                for i in stride(from: start + width - 1, through: start, by: -1) {
                    b[i] = UInt8(48 + v % 10)
                    v /= 10
                }
            }
            b[0] = UInt8(ascii: "\"")
            put(c.year, 4, at: 1)
            b[5] = UInt8(ascii: "-")
            put(c.month, 2, at: 6)
            b[8] = UInt8(ascii: "-")
            put(c.day, 2, at: 9)
            b[11] = UInt8(ascii: "T")
            put(c.hour, 2, at: 12)
            b[14] = UInt8(ascii: ":")
            put(c.minute, 2, at: 15)
            b[17] = UInt8(ascii: ":")
            put(c.second, 2, at: 18)
            b[20] = UInt8(ascii: "Z")
            b[21] = UInt8(ascii: "\"")
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[0..<22]))
        }
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
            if n == .min {
                bytes.append(contentsOf: "9223372036854775808".utf8)
                return
            }
            appendDigits(-n)
            return
        }
        if n < 10 {
            bytes.append(UInt8(48 + n))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = n
        withUnsafeMutableBytes(of: &digits) { buffer in
            while v > 0 {
                buffer[count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            }
            // Digits were produced last first: reverse them in place and append them at once.
            var (lo, hi) = (0, count - 1)
            while lo < hi {
                buffer.swapAt(lo, hi)
                lo += 1
                hi -= 1
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
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

    /// Object members already serialized (`"a":1,"b":[]`), appended inside the current object as they are — for
    /// members that are the same in every record.
    public mutating func members(_ fragment: [UInt8]) {
        separator()
        bytes.append(contentsOf: fragment)
    }

    /// A value already serialized as JSON (a cached record), appended as it is.
    public mutating func raw(_ json: [UInt8]) {
        separator()
        bytes.append(contentsOf: json)
    }

    /// Any value.
    public mutating func value(_ v: JSONValue) {
        separator()
        var s = ""
        v.write(to: &s)
        bytes.append(contentsOf: s.utf8)
    }

    /// Member helpers.
    public mutating func field(_ name: String, _ s: String?) {
        key(name)
        string(s)
    }
    public mutating func field(_ name: String, _ n: Int64?) {
        key(name)
        int(n)
    }
    public mutating func field(_ name: String, _ b: Bool) {
        key(name)
        bool(b)
    }

    private mutating func appendEscaped(_ s: String) {
        appendEscaped(s, openQuote: true, closeQuote: true)
    }

    /// Escapes `s`, with the opening and closing quotes as asked (a string may be written in pieces).
    private mutating func appendEscaped(_ s: String, openQuote: Bool, closeQuote: Bool) {
        if openQuote { bytes.append(UInt8(ascii: "\"")) }
        var s = s
        let fast = s.withUTF8 { utf8 -> Bool in
            if JSONEscaping.needsEscape(utf8) { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if fast {
            if closeQuote { bytes.append(UInt8(ascii: "\"")) }
            return
        }
        for b in s.utf8 {
            if !JSONEscaping.needsEscape(b) {
                bytes.append(b)
            } else if let letter = JSONEscaping.shortEscape(b) {
                bytes.append(contentsOf: [92, letter])
            } else {
                bytes.append(contentsOf: [92, 117, 48, 48, JSONEscaping.hexDigit(b >> 4), JSONEscaping.hexDigit(b & 15)])
            }
        }
        if closeQuote { bytes.append(UInt8(ascii: "\"")) }
    }

    static let nullBytes = Array("null".utf8)
    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
}
