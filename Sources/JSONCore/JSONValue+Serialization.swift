/// Compact JSON text for a value, written without Foundation so the hot paths (webhook bodies) stay allocation-light.
extension JSONValue {
    /// Serializes the value as compact JSON. Object members are written with sorted keys when `sortedKeys` is true.
    public func jsonString(sortedKeys: Bool = false) -> String {
        String(decoding: jsonBytes(sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// The compact JSON text as UTF-8 bytes (what HTTP bodies want, without a `String` in between).
    public func jsonBytes(sortedKeys: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, sortedKeys: sortedKeys)
        return out
    }

    /// Appends the compact JSON text of the value to `out`.
    public func write(to out: inout String, sortedKeys: Bool = false) {
        out += String(decoding: jsonBytes(sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// Appends the compact JSON text of the value to `out` as UTF-8.
    public func write(to out: inout [UInt8], sortedKeys: Bool = false) {
        switch self {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .number(let n):
            if let i = JSONValue.exactInteger(n) {
                JSONValue.writeInteger(i, to: &out)
            } else {
                out.append(contentsOf: JSONValue.format(number: n).utf8)
            }
        case .string(let s): JSONValue.writeEscaped(s, to: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, element) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                element.write(to: &out, sortedKeys: sortedKeys)
            }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            var first = true
            if sortedKeys {
                for key in o.keys.sorted() {
                    if !first { out.append(0x2C) }
                    first = false
                    JSONValue.writeEscaped(key, to: &out)
                    out.append(0x3A)
                    o[key]!.write(to: &out, sortedKeys: true)
                }
            } else {
                for (key, value) in o {
                    if !first { out.append(0x2C) }
                    first = false
                    JSONValue.writeEscaped(key, to: &out)
                    out.append(0x3A)
                    value.write(to: &out, sortedKeys: false)
                }
            }
            out.append(0x7D)
        }
    }

    /// Decimal digits of an integer, without a `String` in between.
    static func writeInteger(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 {
            out.append(0x30)
            return
        }
        var v = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while v > 0 {
                buffer[count] = 0x30 + UInt8(v % 10)
                v /= 10
                count += 1
            }
            if value < 0 { out.append(0x2D) }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
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

    /// A JSON string literal: runs of bytes that need no escaping are copied at once.
    static func writeEscaped(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i])) }
                start = i + 1
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                case 0x09: out.append(contentsOf: [0x5C, 0x74])
                case 0x08: out.append(contentsOf: [0x5C, 0x62])
                case 0x0C: out.append(contentsOf: [0x5C, 0x66])
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0x0F)]])
                }
            }
            if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
        out.append(0x22)
    }
}
