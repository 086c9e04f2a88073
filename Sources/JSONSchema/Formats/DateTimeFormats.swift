/// RFC 3339 dates and times, and ISO 8601 durations.
enum DateTimeFormats {
    static func digits(_ b: ArraySlice<UInt8>) -> Int? {
        guard !b.isEmpty else { return nil }
        var v = 0
        for c in b {
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    static func isDate(_ s: String) -> Bool { date(Array(s.utf8)[...]) != nil }

    /// `YYYY-MM-DD`.
    static func date(_ b: ArraySlice<UInt8>) -> (Int, Int, Int)? {
        guard b.count == 10 else { return nil }
        let s = b.startIndex
        guard b[s + 4] == 45, b[s + 7] == 45, let y = digits(b[s..<s + 4]), let m = digits(b[s + 5..<s + 7]), let d = digits(b[s + 8..<s + 10])
        else { return nil }
        guard (1...12).contains(m), d >= 1 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= length ? (y, m, d) : nil
    }

    static func isTime(_ s: String) -> Bool { time(Array(s.utf8)[...]) }

    /// `HH:MM:SS[.frac](Z|±HH:MM)`; second 60 only where it is 23:59:60 in UTC.
    static func time(_ b: ArraySlice<UInt8>) -> Bool {
        guard b.count >= 9 else { return false }
        let s = b.startIndex
        guard b[s + 2] == 58, b[s + 5] == 58, let h = digits(b[s..<s + 2]), let mi = digits(b[s + 3..<s + 5]), let sec = digits(b[s + 6..<s + 8])
        else { return false }
        var i = s + 8
        if i < b.endIndex, b[i] == 46 {
            i += 1
            let start = i
            while i < b.endIndex, b[i] >= 48 && b[i] <= 57 { i += 1 }
            guard i > start else { return false }
        }
        guard i < b.endIndex else { return false }
        var offsetMinutes = 0
        if b[i] == 90 || b[i] == 122 {
            guard i + 1 == b.endIndex else { return false }
        } else if b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 45 ? -1 : 1
            guard b.endIndex - i == 6, b[i + 3] == 58, let oh = digits(b[i + 1..<i + 3]), let om = digits(b[i + 4..<i + 6]), oh < 24, om < 60
            else { return false }
            offsetMinutes = sign * (oh * 60 + om)
        } else {
            return false
        }
        guard h < 24, mi < 60, sec <= 60 else { return false }
        if sec == 60 {
            let utc = ((h * 60 + mi - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func isDateTime(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count > 11, b[10] == 84 || b[10] == 116 else { return false }
        return date(b[0..<10]) != nil && time(b[11...])
    }

    /// ISO 8601 duration as RFC 3339 appendix A restricts it: `P[nY][nM][nD][T[nH][nM][nS]]` or `PnW`.
    static func isDuration(_ s: String) -> Bool {
        var chars = Array(s)
        guard chars.first == "P", chars.count > 1 else { return false }
        chars.removeFirst()
        if chars.last == "W" {
            return chars.count > 1 && chars.dropLast().allSatisfy(\.isASCIIDigit)
        }
        var datePart = chars[...]
        var timePart: ArraySlice<Character>? = nil
        if let t = chars.firstIndex(of: "T") {
            datePart = chars[..<t]
            timePart = chars[(t + 1)...]
        }
        // Units must form one contiguous run of the order (Y M D, or H M S): RFC 3339's dur-year = nY [dur-month].
        func units(_ part: ArraySlice<Character>, _ order: [Character]) -> Bool? {
            var rest = part
            var expected: Int? = nil
            var any = false
            while !rest.isEmpty {
                let numberEnd = rest.firstIndex { !$0.isASCIIDigit } ?? rest.endIndex
                guard numberEnd > rest.startIndex, numberEnd < rest.endIndex else { return nil }
                guard let position = order.firstIndex(of: rest[numberEnd]) else { return nil }
                if let expected, position != expected { return nil }
                expected = position + 1
                rest = rest[(numberEnd + 1)...]
                any = true
            }
            return any
        }
        guard let dateAny = units(datePart, ["Y", "M", "D"]) else { return false }
        if let timePart {
            guard let timeAny = units(timePart, ["H", "M", "S"]), timeAny else { return false }
            return true
        }
        return dateAny
    }
}

extension Character {
    var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}
