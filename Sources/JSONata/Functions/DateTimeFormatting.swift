import Foundation

/// `$fromMillis`/`$toMillis`/`$now`: ISO 8601 by default, XPath picture strings otherwise.
enum DateTimeFormatting {
    /// The milliseconds either side of 1970 that a date may be, as in JavaScript: 100,000,000 days.
    static let maxMillis = 8.64e15

    static func format(millis: Double, picture: String?, timezone: String?) throws(JSONataError) -> String {
        guard abs(millis) <= maxMillis else {
            throw JSONataError("U1006", message: "\(JSONText.numberString(millis)) milliseconds is further from 1970 than a date can be (±8.64e15)")
        }
        if picture == nil && timezone == nil {
            return iso(millis)
        }
        return try PictureDateFormat.format(
            millis: millis, picture: picture ?? "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]", timezone: timezone)
    }

    /// `2017-11-07T15:07:54.972Z`.
    static func iso(_ millis: Double) -> String {
        let total = Int64(millis.rounded(.down))
        var days = total >= 0 ? total / 86_400_000 : (total - 86_399_999) / 86_400_000
        let msOfDay = total - days * 86_400_000
        let (y, m, d) = civil(fromDays: days)
        days = 0
        let h = msOfDay / 3_600_000
        let mi = (msOfDay / 60_000) % 60
        let s = (msOfDay / 1000) % 60
        let ms = msOfDay % 1000
        let year = y < 0 ? String(format: "-%06lld", -y) : (y > 9999 ? String(format: "+%06lld", y) : String(format: "%04lld", y))
        return year + String(format: "-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", m, d, h, mi, s, ms)
    }

    /// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// (year, month, day) → days since 1970-01-01.
    static func days(year y0: Int64, month m: Int64, day d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func parse(_ s: String, picture: String?) throws(JSONataError) -> Double? {
        if let picture { return try PictureDateFormat.parse(s, picture: picture) }
        return try parseISO(s)
    }

    /// ISO 8601 as JavaScript's `Date.parse` accepts it (date, optional time, optional zone).
    static func parseISO(_ s: String) throws(JSONataError) -> Double? {
        // The forms JSONata accepts without a picture.
        let accepted = #"^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$"#
        if s.range(of: accepted, options: .regularExpression) == nil {
            throw JSONataError("D3110", message: "The timestamp \(s) could not be parsed")
        }
        let pattern = #"^([+-]?\d{4,6})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"#
        guard let re = try? NSRegularExpression(pattern: pattern),
            let m = re.firstMatch(in: s, range: NSRange(location: 0, length: (s as NSString).length))
        else {
            throw JSONataError("D3110", message: "The timestamp \(s) could not be parsed")
        }
        let ns = s as NSString
        func g(_ i: Int) -> String? { m.range(at: i).location == NSNotFound ? nil : ns.substring(with: m.range(at: i)) }
        let year = Int64(g(1)!)!
        let month = Int64(g(2) ?? "1")!
        let day = Int64(g(3) ?? "1")!
        let hour = Int64(g(4) ?? "0")!
        let minute = Int64(g(5) ?? "0")!
        let second = Int64(g(6) ?? "0")!
        var ms: Int64 = 0
        if let f = g(7) { ms = Int64((f + "00").prefix(3))! }
        var offset: Int64 = 0
        if let z = g(8), z != "Z" {
            let digits = z.dropFirst().replacingOccurrences(of: ":", with: "")
            let h = Int64(digits.prefix(2))!
            let mi = Int64(digits.suffix(2))!
            offset = (h * 60 + mi) * (z.hasPrefix("-") ? -1 : 1)
        }
        let d = days(year: year, month: month, day: day)
        let total = (((d * 24 + hour) * 60 + minute - offset) * 60 + second) * 1000 + ms
        return Double(total)
    }
}
