import Foundation

/// `$formatInteger` and `$parseInteger`: XPath `format-integer` pictures — decimal digits of any Unicode digit
/// family with grouping separators, `a`/`A` letters, `i`/`I` roman numerals, `w`/`W`/`Ww` words, `;o` ordinals.
enum IntegerFormatting {
    enum Kind { case decimal, letters, roman, words, sequence }
    enum Case { case upper, lower, title }

    struct Separator {
        var position: Int
        var character: String
    }

    struct Format {
        var kind: Kind = .decimal
        var letterCase: Case = .lower
        var ordinal = false
        var zeroCode: UInt32 = 0x30
        var mandatoryDigits = 0
        var optionalDigits = 0
        var regular = false
        var separators: [Separator] = []
        var regularSeparator: Separator?
        var token = ""
    }

    static let decimalGroups: [UInt32] = [
        0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50,
        0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
        0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    ]

    static func digitGroup(_ c: UInt32) -> UInt32? { decimalGroups.first { c >= $0 && c <= $0 + 9 } }

    static func analyse(_ picture: String) throws(JSONataError) -> Format {
        var format = Format()
        var primary = picture
        if let semicolon = picture.lastIndex(of: ";") {
            primary = String(picture[..<semicolon])
            let modifier = picture[picture.index(after: semicolon)...]
            if modifier.first == "o" { format.ordinal = true }
        }
        switch primary {
        case "A":
            format.kind = .letters
            format.letterCase = .upper
        case "a":
            format.kind = .letters
            format.letterCase = .lower
        case "I":
            format.kind = .roman
            format.letterCase = .upper
        case "i":
            format.kind = .roman
            format.letterCase = .lower
        case "W":
            format.kind = .words
            format.letterCase = .upper
        case "Ww":
            format.kind = .words
            format.letterCase = .title
        case "w":
            format.kind = .words
            format.letterCase = .lower
        default:
            var zero: UInt32?
            var separatorPosition = 0
            for u in primary.unicodeScalars.reversed() {
                if let group = digitGroup(u.value) {
                    format.mandatoryDigits += 1
                    separatorPosition += 1
                    if let z = zero, z != group { throw JSONataError("D3131") }
                    zero = group
                } else if u == "#" {
                    separatorPosition += 1
                    format.optionalDigits += 1
                } else {
                    format.separators.append(Separator(position: separatorPosition, character: String(u)))
                }
            }
            if format.mandatoryDigits > 0 {
                format.kind = .decimal
                format.zeroCode = zero ?? 0x30
                if let regular = regularRepeat(format.separators) {
                    format.regular = true
                    format.regularSeparator = regular
                }
            } else {
                format.kind = .sequence
                format.token = primary
            }
        }
        return format
    }

    static func regularRepeat(_ separators: [Separator]) -> Separator? {
        guard let first = separators.first else { return nil }
        guard separators.allSatisfy({ $0.character == first.character }) else { return nil }
        let positions = separators.map(\.position)
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let factor = positions.reduce(positions[0], gcd)
        guard factor > 0 else { return nil }
        for i in 1...positions.count where !positions.contains(i * factor) { return nil }
        return Separator(position: factor, character: first.character)
    }

    static func format(_ n: Double, picture: String) throws(JSONataError) -> String {
        try format(n.rounded(.down), try analyse(picture))
    }

    static func format(_ value0: Double, _ format: Format) throws(JSONataError) -> String {
        let negative = value0 < 0
        let value = abs(value0)
        var out: String
        switch format.kind {
        case .letters:
            out = letters(value, upper: format.letterCase == .upper)
        case .roman:
            out = try roman(value.clampedInt)
            if format.letterCase == .lower { out = out.lowercased() }
        case .words:
            out = words(value, ordinal: format.ordinal)
            if format.letterCase == .upper { out = out.uppercased() } else if format.letterCase == .lower { out = out.lowercased() }
        case .decimal:
            out = JSONText.numberString(value)
            try Evaluator.checkStringLength(format.mandatoryDigits)
            if out.count < format.mandatoryDigits { out = String(repeating: "0", count: format.mandatoryDigits - out.count) + out }
            if format.zeroCode != 0x30 {
                out = String(String.UnicodeScalarView(out.unicodeScalars.map { Unicode.Scalar($0.value + format.zeroCode - 0x30)! }))
            }
            var chars = out.unicodeScalars.map { String($0) }
            if format.regular, let sep = format.regularSeparator {
                let n = (chars.count - 1) / sep.position
                if n > 0 {
                    for ii in stride(from: n, to: 0, by: -1) {
                        chars.insert(sep.character, at: chars.count - ii * sep.position)
                    }
                }
            } else {
                for sep in format.separators.reversed() {
                    let pos = chars.count - sep.position
                    chars.insert(sep.character, at: max(0, pos))
                }
            }
            out = chars.joined()
            if format.ordinal {
                let last = out.last
                var suffix: String? = ["1": "st", "2": "nd", "3": "rd"][last.map(String.init) ?? ""]
                let chars = Array(out)
                if chars.count > 1 && chars[chars.count - 2] == "1" { suffix = nil }
                out += suffix ?? "th"
            }
        case .sequence:
            throw JSONataError("D3130", token: format.token)
        }
        return negative ? "-" + out : out
    }

    /// `a`…`z`, `aa`…: in doubles, as JavaScript computes it, so that numbers past Int's range get JSONata's letters.
    static func letters(_ value: Double, upper: Bool) -> String {
        var v = value
        var out: [UInt8] = []
        let a: UInt8 = upper ? 65 : 97
        while v > 0 {
            out.append(a + UInt8((v - 1).truncatingRemainder(dividingBy: 26)))
            v = ((v - 1) / 26).rounded(.down)
        }
        return String(decoding: out.reversed(), as: UTF8.self)
    }

    static let romanNumerals: [(Int, String)] = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
        (5, "V"), (4, "IV"), (1, "I"),
    ]

    /// Roman numerals, with as many `M`s as there are thousands: U1005 where that would be a string longer than
    /// ``Evaluator/maxStringBytes``.
    static func roman(_ value: Int) throws(JSONataError) -> String {
        try Evaluator.checkStringLength(value / 1000)
        var out = String(repeating: "M", count: value / 1000)
        var v = value % 1000
        for (n, s) in romanNumerals {
            while v >= n {
                out += s
                v -= n
            }
        }
        return out
    }

    static let few = [
        "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen",
        "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen",
    ]
    static let ordinals = [
        "Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth", "Eleventh",
        "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth",
    ]
    static let decades = ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"]
    static let magnitudes = ["Thousand", "Million", "Billion", "Trillion"]

    static func words(_ value: Double, ordinal: Bool) -> String {
        func lookup(_ num: Double, _ prev: Bool, _ ord: Bool) -> String {
            var words = ""
            if num <= 19 {
                words = (prev ? " and " : "") + (ord ? ordinals[Int(num)] : few[Int(num)])
            } else if num < 100 {
                let tens = Int(num / 10)
                let remainder = Int(num) % 10
                words = (prev ? " and " : "") + decades[tens - 2]
                if remainder > 0 {
                    words += "-" + lookup(Double(remainder), false, ord)
                } else if ord {
                    words = String(words.dropLast()) + "ieth"
                }
            } else if num < 1000 {
                let hundreds = Int(num / 100)
                let remainder = Int(num) % 100
                words = (prev ? ", " : "") + few[hundreds] + " Hundred"
                if remainder > 0 {
                    words += lookup(Double(remainder), true, ord)
                } else if ord {
                    words += "th"
                }
            } else {
                var mag = Int((log10(num) / 3).rounded(.down))
                if mag > magnitudes.count { mag = magnitudes.count }
                let factor = pow(10, Double(mag * 3))
                let mant = (num / factor).rounded(.down)
                let remainder = num - mant * factor
                words = (prev ? ", " : "") + lookup(mant, false, false) + " " + magnitudes[mag - 1]
                if remainder > 0 {
                    words += lookup(remainder, true, ord)
                } else if ord {
                    words += "th"
                }
            }
            return words
        }
        return lookup(value, false, ordinal)
    }

    static let wordValues: [String: Double] = {
        var v: [String: Double] = [:]
        for (i, w) in few.enumerated() { v[w.lowercased()] = Double(i) }
        for (i, w) in ordinals.enumerated() { v[w.lowercased()] = Double(i) }
        for (i, w) in decades.enumerated() {
            let l = w.lowercased()
            v[l] = Double((i + 2) * 10)
            v[String(l.dropLast()) + "ieth"] = Double((i + 2) * 10)
        }
        v["hundredth"] = 100
        for (i, w) in magnitudes.enumerated() {
            let l = w.lowercased()
            let val = pow(10, Double((i + 1) * 3))
            v[l] = val
            v[l + "th"] = val
        }
        return v
    }()

    static func wordsToNumber(_ text: String) -> Double {
        let parts = text.lowercased().replacingOccurrences(of: ", ", with: " ").replacingOccurrences(of: " and ", with: " ")
            .split(whereSeparator: { $0 == " " || $0 == "-" })
        var segs: [Double] = [0]
        for part in parts {
            let value = wordValues[String(part)] ?? 0
            if value < 100 {
                var top = segs.removeLast()
                if top >= 1000 {
                    segs.append(top)
                    top = 0
                }
                segs.append(top + value)
            } else {
                segs.append(segs.removeLast() * value)
            }
        }
        return segs.reduce(0, +)
    }

    static func romanToDecimal(_ s: String) -> Double {
        let values: [Character: Int] = ["M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1]
        var decimal = 0
        var maxSeen = 1
        for c in s.uppercased().reversed() {
            let v = values[c] ?? 0
            if v < maxSeen {
                decimal -= v
            } else {
                maxSeen = v
                decimal += v
            }
        }
        return Double(decimal)
    }

    static func lettersToDecimal(_ s: String, upper: Bool) -> Double {
        let a = upper ? 65 : 97
        var decimal = 0.0
        for (i, u) in s.unicodeScalars.reversed().enumerated() { decimal += Double(Int(u.value) - a + 1) * pow(26, Double(i)) }
        return decimal
    }

    /// The regular expression a format matches (used by `$parseInteger` and date parsing).
    static func pattern(_ format: Format) -> String {
        switch format.kind {
        case .letters: return format.letterCase == .upper ? "[A-Z]+" : "[a-z]+"
        case .roman: return format.letterCase == .upper ? "[MDCLXVI]+" : "[mdclxvi]+"
        case .words: return "(?:" + wordValues.keys.sorted { $0.count > $1.count }.joined(separator: "|") + "|and|[\\-, ])+"
        case .decimal:
            let digit = "[\(String(Unicode.Scalar(format.zeroCode)!))-\(String(Unicode.Scalar(format.zeroCode + 9)!))]"
            var p = "(?:\(digit)"
            let seps = Set((format.regularSeparator.map { [$0] } ?? format.separators).map(\.character))
            for s in seps { p += "|" + NSRegularExpression.escapedPattern(for: s) }
            p += ")+"
            if format.ordinal { p += "(?:th|st|nd|rd)" }
            return p
        case .sequence: return ".+"
        }
    }

    static func value(of text: String, _ format: Format) throws(JSONataError) -> Double? {
        switch format.kind {
        case .letters: return lettersToDecimal(text, upper: format.letterCase == .upper)
        case .roman: return romanToDecimal(text)
        case .words: return wordsToNumber(text)
        case .decimal:
            var digits = ""
            for u in text.unicodeScalars {
                if u.value >= format.zeroCode && u.value <= format.zeroCode + 9 {
                    digits.append(Character(Unicode.Scalar(u.value - format.zeroCode + 0x30)!))
                }
            }
            return Double(digits)
        case .sequence: throw JSONataError("D3130", token: format.token)
        }
    }

    static func parse(_ s: String, picture: String) throws(JSONataError) -> Double? {
        let format = try analyse(picture)
        if format.kind == .sequence { throw JSONataError("D3130", token: format.token) }
        return try value(of: s, format)
    }
}
