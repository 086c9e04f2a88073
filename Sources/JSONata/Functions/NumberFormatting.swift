import Foundation

/// `$formatNumber`: the XPath 3.1 `fn:format-number` picture language (F&O 4.7), with the decimal-format
/// properties overridable through the options object.
enum NumberFormatting {
    struct Properties {
        var decimal = ".", grouping = ",", exponent = "e", minus = "-", percent = "%", perMille = "\u{2030}"
        var zero = "0", digit = "#", patternSeparator = ";"

        init(_ options: JObject?) {
            guard let options else { return }
            func s(_ k: String) -> String? { options[k]?.string }
            decimal = s("decimal-separator") ?? decimal
            grouping = s("grouping-separator") ?? grouping
            exponent = s("exponent-separator") ?? exponent
            minus = s("minus-sign") ?? minus
            percent = s("percent") ?? percent
            perMille = s("per-mille") ?? perMille
            zero = s("zero-digit") ?? zero
            digit = s("digit") ?? digit
            patternSeparator = s("pattern-separator") ?? patternSeparator
        }
    }

    struct Parts {
        var prefix: [Character], suffix: [Character], active: [Character], mantissa: [Character]
        var exponent: [Character]?
        var integer: [Character], fractional: [Character]
        var picture: [Character]
    }

    struct Analysis {
        var integerGroupingPositions: [Int]
        var regularGrouping: Int
        var minimumIntegerPartSize: Int
        var scalingFactor: Int
        var prefix: String
        var fractionalGroupingPositions: [Int]
        var minimumFractionalPartSize: Int
        var maximumFractionalPartSize: Int
        var minimumExponentSize: Int
        var suffix: String
        var picture: String
    }

    static func format(_ value: Double, picture: String, options: JObject?) throws(JSONataError) -> String {
        let p = Properties(options)
        let zeroScalar = p.zero.unicodeScalars.first!.value
        let family: [Character] = (0..<10).map { Character(Unicode.Scalar(zeroScalar + UInt32($0))!) }
        func isDigit(_ c: Character) -> Bool { family.contains(c) }
        let single = { (s: String) -> Character? in s.count == 1 ? s.first : nil }
        let activeSingles: Set<Character> = Set(family + [p.decimal, p.exponent, p.grouping, p.digit, p.patternSeparator].compactMap(single))
        let exponentChar = single(p.exponent)
        func isActive(_ c: Character) -> Bool { activeSingles.contains(c) }

        let subPictures = picture.components(separatedBy: p.patternSeparator)
        if subPictures.count > 2 { throw JSONataError("D3080") }

        func split(_ sub: String) -> Parts {
            let chars = Array(sub)
            var prefixEnd = chars.count
            for (i, c) in chars.enumerated() where isActive(c) && c != exponentChar {
                prefixEnd = i
                break
            }
            var suffixStart = chars.count
            for i in stride(from: chars.count - 1, through: 0, by: -1) where isActive(chars[i]) && chars[i] != exponentChar {
                suffixStart = i + 1
                break
            }
            if prefixEnd == chars.count { suffixStart = chars.count }
            let prefix = Array(chars[..<prefixEnd])
            let suffix = Array(chars[max(suffixStart, prefixEnd)...])
            let active = Array(chars[prefixEnd..<max(suffixStart, prefixEnd)])
            var mantissa = active
            var exponent: [Character]?
            if let e = exponentChar, let pos = chars[prefixEnd...].firstIndex(of: e), pos <= chars.count - suffix.count {
                let rel = pos - prefixEnd
                if rel <= active.count {
                    mantissa = Array(active[..<rel])
                    exponent = rel + 1 <= active.count ? Array(active[(rel + 1)...]) : []
                }
            }
            var integer = mantissa
            var fractional = suffix
            if let d = single(p.decimal), let pos = mantissa.firstIndex(of: d) {
                integer = Array(mantissa[..<pos])
                fractional = Array(mantissa[(pos + 1)...])
            }
            return Parts(
                prefix: prefix, suffix: suffix, active: active, mantissa: mantissa, exponent: exponent, integer: integer, fractional: fractional,
                picture: chars)
        }

        func count(_ s: String, in chars: [Character]) -> Int {
            let text = String(chars)
            return text.components(separatedBy: s).count - 1
        }

        func validate(_ parts: Parts) throws(JSONataError) {
            var error: String?
            let sub = parts.picture
            if !sub.contains(where: isActive) { throw JSONataError("D3086") }
            let text = String(sub)
            if count(p.decimal, in: sub) > 1 { error = "D3081" }
            if count(p.percent, in: sub) > 1 { error = "D3082" }
            if count(p.perMille, in: sub) > 1 { error = "D3083" }
            if text.contains(p.percent) && text.contains(p.perMille) { error = "D3084" }
            if !parts.mantissa.contains(where: { isDigit($0) || String($0) == p.digit }) { error = "D3085" }
            if parts.active.contains(where: { !isActive($0) }) { error = "D3086" }
            if let d = single(p.decimal), let pos = sub.firstIndex(of: d) {
                if (pos > 0 && String(sub[pos - 1]) == p.grouping) || (pos + 1 < sub.count && String(sub[pos + 1]) == p.grouping) { error = "D3087" }
            } else if let last = parts.integer.last, String(last) == p.grouping {
                error = "D3088"
            }
            if text.contains(p.grouping + p.grouping) { error = "D3089" }
            if let d = single(p.digit), let pos = parts.integer.firstIndex(of: d), parts.integer[..<pos].contains(where: isDigit) { error = "D3090" }
            if let d = single(p.digit), let pos = parts.fractional.lastIndex(of: d), parts.fractional[pos...].contains(where: isDigit) {
                error = "D3091"
            }
            if let e = parts.exponent {
                if !e.isEmpty && (text.contains(p.percent) || text.contains(p.perMille)) { error = "D3092" }
                if e.isEmpty || e.contains(where: { !isDigit($0) }) { error = "D3093" }
            }
            if let error { throw JSONataError(error) }
        }

        func analyse(_ parts: Parts) -> Analysis {
            func groupingPositions(_ part: [Character], toLeft: Bool) -> [Int] {
                var positions: [Int] = []
                for (i, c) in part.enumerated() where String(c) == p.grouping {
                    let side = toLeft ? part[..<i] : part[i...]
                    positions.append(side.filter { isDigit($0) || String($0) == p.digit }.count)
                }
                return positions
            }
            let integerPositions = groupingPositions(parts.integer, toLeft: false)
            func regular(_ indexes: [Int]) -> Int {
                guard let first = indexes.first else { return 0 }
                func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
                let factor = indexes.dropFirst().reduce(first, gcd)
                guard factor > 0 else { return 0 }
                for i in 1...indexes.count where !indexes.contains(i * factor) { return 0 }
                return factor
            }
            var minInt = parts.integer.filter(isDigit).count
            let scaling = minInt
            var minFrac = parts.fractional.filter(isDigit).count
            var maxFrac = parts.fractional.filter { isDigit($0) || String($0) == p.digit }.count
            let exponentPresent = parts.exponent != nil
            if minInt == 0 && maxFrac == 0 {
                if exponentPresent {
                    minFrac = 1
                    maxFrac = 1
                } else {
                    minInt = 1
                }
            }
            if exponentPresent && minInt == 0 && parts.integer.contains(where: { String($0) == p.digit }) { minInt = 1 }
            if minInt == 0 && minFrac == 0 { minFrac = 1 }
            let minExp = parts.exponent.map { $0.filter(isDigit).count } ?? 0
            return Analysis(
                integerGroupingPositions: integerPositions, regularGrouping: regular(integerPositions), minimumIntegerPartSize: minInt,
                scalingFactor: scaling, prefix: String(parts.prefix), fractionalGroupingPositions: groupingPositions(parts.fractional, toLeft: true),
                minimumFractionalPartSize: minFrac, maximumFractionalPartSize: maxFrac, minimumExponentSize: minExp, suffix: String(parts.suffix),
                picture: String(parts.picture)
            )
        }

        let parts = subPictures.map(split)
        for part in parts { try validate(part) }
        var variables = parts.map(analyse)
        if variables.count == 1 {
            var negative = variables[0]
            negative.prefix = p.minus + negative.prefix
            variables.append(negative)
        }
        let pic = value >= 0 ? variables[0] : variables[1]
        var adjusted = value
        if pic.picture.contains(p.percent) {
            adjusted = value * 100
        } else if pic.picture.contains(p.perMille) {
            adjusted = value * 1000
        }
        var mantissa = adjusted
        var exponent: Int?
        if pic.minimumExponentSize != 0 {
            let maxMantissa = pow(10, Double(pic.scalingFactor))
            let minMantissa = pow(10, Double(pic.scalingFactor - 1))
            var e = 0
            if mantissa != 0 {
                while abs(mantissa) < minMantissa {
                    mantissa *= 10
                    e -= 1
                }
                while abs(mantissa) > maxMantissa {
                    mantissa /= 10
                    e += 1
                }
            }
            exponent = e
        }
        let rounded = Functions.round(mantissa, precision: pic.maximumFractionalPartSize)
        func makeString(_ v: Double, _ dp: Int) -> String {
            var s = String(format: "%.\(dp)f", abs(v))
            if p.zero != "0" {
                s = String(s.map { c in c.isASCII && c.isNumber ? family[Int(c.asciiValue! - 48)] : c })
            }
            return s
        }
        let zeroChar = family[0]
        var s = Array(makeString(rounded, pic.maximumFractionalPartSize))
        let decimalChars = Array(p.decimal)
        if let dot = s.firstIndex(of: ".") {
            s.replaceSubrange(dot...dot, with: decimalChars)
        } else {
            s.append(contentsOf: decimalChars)
        }
        while s.first == zeroChar { s.removeFirst() }
        while s.last == zeroChar { s.removeLast() }
        func decimalPosition() -> Int {
            let text = String(s)
            guard let r = text.range(of: p.decimal) else { return s.count }
            return text.distance(from: text.startIndex, to: r.lowerBound)
        }
        var decimalPos = decimalPosition()
        let padLeft = pic.minimumIntegerPartSize - decimalPos
        let padRight = pic.minimumFractionalPartSize - (s.count - decimalPos - 1)
        if padLeft > 0 { s = Array(repeating: zeroChar, count: padLeft) + s }
        if padRight > 0 { s += Array(repeating: zeroChar, count: padRight) }
        decimalPos = decimalPosition()
        let groupingChars = Array(p.grouping)
        if pic.regularGrouping > 0 {
            let groups = (decimalPos - 1) / pic.regularGrouping
            if groups >= 1 {
                for group in 1...groups {
                    let at = decimalPos - group * pic.regularGrouping
                    s.insert(contentsOf: groupingChars, at: at)
                }
            }
        } else {
            for pos in pic.integerGroupingPositions {
                s.insert(contentsOf: groupingChars, at: max(0, decimalPos - pos))
                decimalPos += 1
            }
        }
        decimalPos = decimalPosition()
        for pos in pic.fractionalGroupingPositions {
            let at = pos + decimalPos + 1
            if at <= s.count { s.insert(contentsOf: groupingChars, at: at) }
        }
        decimalPos = decimalPosition()
        if !pic.picture.contains(p.decimal) || decimalPos == s.count - 1 {
            s.removeLast()
        }
        var out = String(s)
        if let exponent {
            var e = makeString(Double(exponent), 0)
            let pad = pic.minimumExponentSize - e.count
            if pad > 0 { e = String(repeating: String(zeroChar), count: pad) + e }
            out += p.exponent + (exponent < 0 ? p.minus : "") + e
        }
        return pic.prefix + out + pic.suffix
    }
}
