/// What a JSON string escapes and how, shared by the two serializers (``JSONValue``'s and ``JSONWriter``).
enum JSONEscaping {
    /// Whether a byte must be escaped: a control character, `"` or a backslash.
    @inline(__always) static func needsEscape(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C }

    /// Whether any of eight bytes must be escaped (bytes of multi-byte characters never are).
    @inline(__always) static func needsEscape(word w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (w &- ones &* 0x20) & ~w & highs
        let q = w ^ (ones &* 0x22)
        let quote = (q &- ones) & ~q & highs
        let b = w ^ (ones &* 0x5C)
        let backslash = (b &- ones) & ~b & highs
        return (control | quote | backslash) != 0
    }

    /// Whether any byte of `bytes` must be escaped, checked eight at a time.
    static func needsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = bytes.baseAddress else { return false }
        var i = 0
        while i + 8 <= bytes.count {
            if needsEscape(word: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) { return true }
            i += 8
        }
        while i < bytes.count {
            if needsEscape(p[i]) { return true }
            i += 1
        }
        return false
    }

    /// The letter of a byte's two-character escape (`n` for a line feed), or nil when it is written `\u00XX`.
    @inline(__always) static func shortEscape(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x22: 0x22
        case 0x5C: 0x5C
        case 0x0A: 0x6E
        case 0x0D: 0x72
        case 0x09: 0x74
        case 0x08: 0x62
        case 0x0C: 0x66
        default: nil
        }
    }

    /// A lowercase hexadecimal digit.
    @inline(__always) static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }
}
