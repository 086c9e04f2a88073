import Foundation

/// Internationalized host names (RFC 5890–5893, IDNA2008): label syntax, the exceptions table and the contextual
/// rules for joiners, middle dots, Greek keraia, Hebrew punctuation, the Katakana middle dot and Arabic digits.
enum IDNHostname {
    static let separators: Set<Character> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]
    static let disallowedExceptions: Set<UInt32> = [0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B]

    static func isValid(_ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        let labels = s.split(omittingEmptySubsequences: false, whereSeparator: { separators.contains($0) })
        var total = 0
        for label in labels {
            guard !label.isEmpty else { return false }
            let ascii = label.allSatisfy(\.isASCII)
            if ascii {
                guard NetworkFormats.isHostname(String(label)) else { return false }
                total += label.utf8.count + 1
            } else {
                guard isValidULabel(String(label)) else { return false }
                total += label.utf8.count + 1
            }
        }
        return total - 1 <= 253
    }

    static func isValidULabel(_ label: String) -> Bool {
        let scalars = Array(label.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 63 else { return false }
        if scalars.first == "-" || scalars.last == "-" { return false }
        if scalars.count >= 4 && scalars[2] == "-" && scalars[3] == "-" { return false }
        switch scalars[0].properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return false
        default: break
        }
        var hasArabicIndic = false
        var hasExtendedArabicIndic = false
        for (i, s) in scalars.enumerated() {
            let v = s.value
            if disallowedExceptions.contains(v) { return false }
            if s.isASCII {
                guard (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || s == "-" || (s >= "A" && s <= "Z") else { return false }
            }
            switch v {
            case 0x00B7:
                guard i > 0, i < scalars.count - 1, scalars[i - 1] == "l", scalars[i + 1] == "l" else { return false }
            case 0x0375:
                guard i < scalars.count - 1, isGreek(scalars[i + 1]) else { return false }
            case 0x05F3, 0x05F4:
                guard i > 0, isHebrew(scalars[i - 1]) else { return false }
            case 0x30FB:
                guard scalars.contains(where: { $0.value != 0x30FB && isKanaOrHan($0) }) else { return false }
            case 0x0660...0x0669: hasArabicIndic = true
            case 0x06F0...0x06F9: hasExtendedArabicIndic = true
            case 0x200D:
                guard i > 0, scalars[i - 1].properties.canonicalCombiningClass == .virama else { return false }
            case 0x200C:
                let afterVirama = i > 0 && scalars[i - 1].properties.canonicalCombiningClass == .virama
                let betweenJoining = i > 0 && i < scalars.count - 1 && isJoining(scalars[i - 1]) && isJoining(scalars[i + 1])
                guard afterVirama || betweenJoining else { return false }
            default:
                if !isPermitted(s) { return false }
            }
        }
        return !(hasArabicIndic && hasExtendedArabicIndic)
    }

    /// A coarse stand-in for IDNA2008's derived property: letters, marks and digits are allowed, except
    /// upper-case and compatibility forms; symbols, punctuation and spaces are not.
    static func isPermitted(_ s: Unicode.Scalar) -> Bool {
        if [0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007].contains(s.value) { return true }
        switch s.properties.generalCategory {
        case .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark, .decimalNumber:
            return String(s).precomposedStringWithCompatibilityMapping == String(s)
        case .dashPunctuation:
            return s == "-"
        default:
            return false
        }
    }

    static func isGreek(_ s: Unicode.Scalar) -> Bool { (0x0370...0x03FF).contains(s.value) || (0x1F00...0x1FFF).contains(s.value) }
    static func isHebrew(_ s: Unicode.Scalar) -> Bool { (0x0590...0x05FF).contains(s.value) }
    static func isKanaOrHan(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x3040...0x309F).contains(v) || (0x30A0...0x30FF).contains(v) || (0x31F0...0x31FF).contains(v)
            || (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
    }
    static func isJoining(_ s: Unicode.Scalar) -> Bool {
        (0x0620...0x064A).contains(s.value) || (0x066E...0x06D3).contains(s.value) || (0x0710...0x074F).contains(s.value)
    }
}
