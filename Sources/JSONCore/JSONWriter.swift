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
        bytes.append(contentsOf: String(n).utf8)
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
        bytes.append(UInt8(ascii: "\""))
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
        bytes.append(UInt8(ascii: "\""))
    }

    static let nullBytes = Array("null".utf8)
    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
}
