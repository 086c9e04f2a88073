/// The digits of a whole double in any radix, exactly, however large: what JavaScript's `Number.prototype.toString`
/// gives `$formatBase` (which needs more than `Int64` past 2^63, up to about 1.8e308).
enum IntegerDigits {
    /// `value`'s digits in `radix` (2–36), with a leading `-` when negative. `value` must be finite and whole.
    static func string(_ value: Double, radix: Int) -> String {
        if value.magnitude < 9.2e18 { return String(Int64(value), radix: radix) }
        // value = significand × 2^shift, a 53-bit integer shifted left; held as 32-bit limbs, least significant first.
        let significand = value.significandBitPattern | (1 << 52)
        let shift = Int(value.exponent) - 52
        var limbs = [UInt32](repeating: 0, count: shift / 32)
        let low = significand << UInt64(shift % 32)
        let high = shift % 32 == 0 ? 0 : significand >> UInt64(64 - shift % 32)
        limbs += [UInt32(truncatingIfNeeded: low), UInt32(truncatingIfNeeded: low >> 32), UInt32(truncatingIfNeeded: high)]
        var digits: [UInt8] = []
        let symbols = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        while let last = limbs.last, last == 0 { limbs.removeLast() }
        while !limbs.isEmpty {
            var remainder: UInt64 = 0
            for i in limbs.indices.reversed() {
                let current = remainder << 32 | UInt64(limbs[i])
                limbs[i] = UInt32(current / UInt64(radix))
                remainder = current % UInt64(radix)
            }
            digits.append(symbols[Int(remainder)])
            while let last = limbs.last, last == 0 { limbs.removeLast() }
        }
        return (value < 0 ? "-" : "") + String(decoding: digits.reversed(), as: UTF8.self)
    }
}
