import Foundation

/// Parsing with picture strings (`$toMillis(text, picture)`): the reverse of ``PictureDateFormat/format(millis:picture:timezone:)``.
extension PictureDateFormat {
    static func parse(_ s: String, picture: String, now: Double = Date().timeIntervalSince1970 * 1000) throws(JSONataError) -> Double? {
        let parts = try analyse(picture)
        var regex = "^"
        var parsers: [(Character, (String) throws(JSONataError) -> Int?)] = []
        for part in parts {
            switch part {
            case .literal(let text):
                regex += "(" + NSRegularExpression.escapedPattern(for: text) + ")"
                parsers.append((" ", { _ in nil }))
            case .marker(let m):
                if m.component == "Z" || m.component == "z" {
                    let format = m.integerFormat!
                    let separator = format.regular ? format.regularSeparator : nil
                    var p = m.component == "z" ? "GMT" : ""
                    p += "[-+][0-9]+"
                    if let separator { p += NSRegularExpression.escapedPattern(for: separator.character) + "[0-9]+" }
                    regex += "(" + p + ")"
                    let isZ = m.component == "z"
                    parsers.append(
                        (
                            m.component,
                            { v in
                                var value = v
                                if isZ { value = String(value.dropFirst(3)) }
                                if let separator, let r = value.range(of: separator.character) {
                                    let h = Int(value[..<r.lowerBound].replacingOccurrences(of: "+", with: "")) ?? 0
                                    let mi = Int(value[r.upperBound...]) ?? 0
                                    return h * 60 + (h < 0 || value.hasPrefix("-") ? -mi : mi)
                                }
                                let digits = value.count - 1
                                if digits <= 2 { return (Int(value.replacingOccurrences(of: "+", with: "")) ?? 0) * 60 }
                                let h = Int(value.prefix(3).replacingOccurrences(of: "+", with: "")) ?? 0
                                let mi = Int(value.dropFirst(3)) ?? 0
                                return h * 60 + (value.hasPrefix("-") ? -mi : mi)
                            }
                        ))
                } else if var format = m.integerFormat {
                    if let w = m.parseWidth { format.mandatoryDigits = w }
                    var p: String
                    if format.kind == .decimal {
                        p = "[0-9]" + (m.parseWidth.map { "{\($0)}" } ?? "+")
                        if format.ordinal { p += "(?:th|st|nd|rd)" }
                    } else {
                        p = IntegerFormatting.pattern(format)
                    }
                    regex += "(" + p + ")"
                    let f = format
                    let fraction = m.component == "f"
                    parsers.append(
                        (
                            m.component,
                            { v throws(JSONataError) in
                                // Fractional seconds are a fraction: .5 is 500 ms, .01987 is 19 ms.
                                if fraction { return Int(((Double("0." + v) ?? 0) * 1000).rounded(.down)) }
                                var text = v
                                if f.kind == .decimal && f.ordinal { text = String(text.dropLast(2)) }
                                return try IntegerFormatting.value(of: text, f).map { Int($0) }
                            }
                        ))
                } else {
                    regex += "([a-zA-Z]+)"
                    var lookup: [String: Int] = [:]
                    if m.component == "M" || m.component == "x" {
                        for (i, name) in months.enumerated() { lookup[(m.widthMax.map { String(name.prefix($0)) } ?? name).lowercased()] = i + 1 }
                    } else if m.component == "F" {
                        for (i, name) in days.enumerated() where i > 0 {
                            lookup[(m.widthMax.map { String(name.prefix($0)) } ?? name).lowercased()] = i
                        }
                    } else if m.component == "P" {
                        lookup = ["am": 0, "pm": 1]
                    } else {
                        throw JSONataError("D3133", token: String(m.component))
                    }
                    let table = lookup
                    parsers.append((m.component, { v in table[v.lowercased()] }))
                }
            }
        }
        regex += "$"
        guard let re = try? NSRegularExpression(pattern: regex, options: [.caseInsensitive]),
            let match = re.firstMatch(in: s, range: NSRange(location: 0, length: (s as NSString).length))
        else { return nil }
        let ns = s as NSString
        var components: [Character: Int] = [:]
        for (i, (component, parser)) in parsers.enumerated() where component != " " {
            let r = match.range(at: i + 1)
            guard r.location != NSNotFound else { continue }
            if let v = try parser(ns.substring(with: r)) { components[component] = v }
        }
        if components.isEmpty { return nil }
        func isType(_ type: Int, _ mask: Int) -> Bool { (~type & mask) == 0 && (type & mask) != 0 }
        var mask = 0
        for c in "YXMxWwdD" { mask = (mask << 1) + (components[c] != nil ? 1 : 0) }
        let dateA = isType(161, mask)
        let dateB = !dateA && isType(130, mask)
        let dateC = isType(84, mask)
        let dateD = !dateC && isType(72, mask)
        mask = 0
        for c in "PHhmsf" { mask = (mask << 1) + (components[c] != nil ? 1 : 0) }
        let timeA = isType(23, mask)
        let timeB = !timeA && isType(47, mask)
        let dateComps = dateB ? "YD" : dateC ? "XxwF" : dateD ? "XWF" : "YMD"
        let timeComps = timeB ? "Phmsf" : "Hmsf"
        let nowFields = Fields(now)
        var startSpecified = false
        var endSpecified = false
        for part in dateComps + timeComps {
            if components[part] == nil {
                if startSpecified {
                    components[part] = "MDd".contains(part) ? 1 : 0
                    endSpecified = true
                } else if case .number(let n) = fragment(nowFields, part) {
                    components[part] = n
                } else if case .text(let t) = fragment(nowFields, part) {
                    components[part] = t == "pm" ? 1 : 0
                }
            } else {
                startSpecified = true
                if endSpecified { throw JSONataError("D3136") }
            }
        }
        var month0 = (components["M"] ?? 0) > 0 ? components["M"]! - 1 : 0
        var day = components["D"] ?? 1
        if dateB {
            let derived = Fields(utc(components["Y"]!, 0) + Double((components["d"] ?? 1) - 1) * millisInADay)
            month0 = derived.month - 1
            day = derived.day
        }
        if dateC || dateD { throw JSONataError("D3136") }
        var hour = components["H"] ?? 0
        if timeB {
            hour = components["h"] == 12 ? 0 : (components["h"] ?? 0)
            if components["P"] == 1 { hour += 12 }
        }
        var millis = utc(components["Y"] ?? nowFields.year, month0, day)
        millis +=
            Double(hour) * 3_600_000 + Double(components["m"] ?? 0) * 60_000 + Double(components["s"] ?? 0) * 1000 + Double(components["f"] ?? 0)
        if let z = components["Z"] ?? components["z"] { millis -= Double(z) * 60_000 }
        return millis
    }
}
