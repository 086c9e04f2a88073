/// Compact JSON text for a value, written without Foundation so the hot paths (webhook bodies) stay allocation-light.
extension JSONValue {
    /// Serializes the value as compact JSON. Object members are written with sorted keys when `sortedKeys` is true.
    public func jsonString(sortedKeys: Bool = false) -> String {
        String(decoding: jsonBytes(sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// The compact JSON text as UTF-8 bytes (what HTTP bodies want, without a `String` in between).
    public func jsonBytes(sortedKeys: Bool = false) -> [UInt8] {
        var sink = ByteSink(capacity: 256)
        write(to: &sink, sortedKeys: sortedKeys)
        return sink.array()
    }

    /// Appends the compact JSON text of the value to `out`.
    public func write(to out: inout String, sortedKeys: Bool = false) {
        out += String(decoding: jsonBytes(sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// Appends the compact JSON text of the value to `out` as UTF-8.
    public func write(to out: inout [UInt8], sortedKeys: Bool = false) {
        var sink = ByteSink(capacity: 256)
        write(to: &sink, sortedKeys: sortedKeys)
        sink.withBytes { out.append(contentsOf: $0) }
    }

    func write(to out: inout ByteSink, sortedKeys: Bool) {
        switch self {
        case .null: JSONValue.put(0x6E, 0x75, 0x6C, 0x6C, to: &out)
        case .bool(true): JSONValue.put(0x74, 0x72, 0x75, 0x65, to: &out)
        case .bool(false):
            JSONValue.put(0x66, 0x61, 0x6C, 0x73, to: &out)
            out.put(0x65)
        case .number(let n):
            if let i = JSONValue.exactInteger(n) {
                JSONValue.writeInteger(i, to: &out)
            } else {
                out.append(JSONValue.format(number: n))
            }
        case .integer(let i): JSONValue.writeInteger(i, to: &out)
        case .string(let s): JSONValue.writeEscaped(s, to: &out)
        case .array(let a):
            out.append(0x5B)
            var first = true
            for element in a {
                if !first { out.append(0x2C) }
                first = false
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

    /// Four bytes at once (reserving a fifth for `false`).
    @inline(__always) static func put(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, to out: inout ByteSink) {
        out.reserve(5)
        out.put(a)
        out.put(b)
        out.put(c)
        out.put(d)
    }

    /// Decimal digits of an integer, without a `String` in between.
    static func writeInteger(_ value: Int64, to out: inout ByteSink) {
        out.reserve(20)
        if value >= 0 && value < 10 {
            out.put(0x30 + UInt8(value))
            return
        }
        var v = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = buffer.count
            while v > 0 {
                start -= 1
                buffer[start] = 0x30 + UInt8(v % 10)
                v /= 10
            }
            if value < 0 { out.put(0x2D) }
            out.put(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[start...]))
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

    /// A JSON string literal: bytes that need no escaping are checked and copied eight at a time.
    static func writeEscaped(_ s: String, to out: inout ByteSink) {
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ writeEscaped(utf8: $0, to: &out) }) { return done }
        var s = s
        s.withUTF8 { writeEscaped(utf8: $0, to: &out) }
    }

    @inline(__always) static func writeEscaped(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout ByteSink) {
        let n = bytes.count
        // Room for the quotes and every byte as it is; each escape reserves its extra bytes.
        out.reserve(n + 2)
        out.put(0x22)
        guard let p = bytes.baseAddress else {
            out.put(0x22)
            return
        }
        var i = 0
        while i < n {
            if i + 8 <= n {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                if !JSONEscaping.needsEscape(word: word) {
                    out.put(word: word)
                    i += 8
                    continue
                }
            }
            let b = p[i]
            i += 1
            guard JSONEscaping.needsEscape(b) else {
                out.put(b)
                continue
            }
            out.reserve(6 + n - i + 1)
            out.put(0x5C)
            if let letter = JSONEscaping.shortEscape(b) {
                out.put(letter)
            } else {
                out.put(0x75)
                out.put(0x30)
                out.put(0x30)
                out.put(JSONEscaping.hexDigit(b >> 4))
                out.put(JSONEscaping.hexDigit(b & 0x0F))
            }
        }
        out.put(0x22)
    }
}
