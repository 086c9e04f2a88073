import Foundation

/// ISO-8601 UTC timestamps with milliseconds (`2023-08-31T18:08:27.879Z`), the one format used on the wire and in storage.
///
/// Formatting is done arithmetically (no `DateFormatter`), so it is cheap and safe from any task.
public enum Timestamp {
    /// The `previous_run_date` of a job that never completed: `0001-01-01T00:00:00.000Z`.
    public static let distantPastString = "0001-01-01T00:00:00.000Z"

    /// The instants ``format(_:)`` writes as they are: years 0001 to 9999. Dates outside (a provider's
    /// `expires_in: 1e300`, a clock gone wild) are written as the nearest end; NaN as the earliest.
    static let representable: ClosedRange<Double> = -62_135_596_800_000...253_402_300_799_999

    /// Formats a date as `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC.
    public static func format(_ date: Date) -> String {
        let raw = (date.timeIntervalSince1970 * 1000).rounded(.down)
        let totalMillis = Int64(raw.isNaN ? representable.lowerBound : min(max(raw, representable.lowerBound), representable.upperBound))
        let days = totalMillis >= 0 ? totalMillis / 86_400_000 : (totalMillis - 86_399_999) / 86_400_000
        let millisOfDay = totalMillis - days * 86_400_000
        let (y, m, d) = civil(fromDays: days)
        let hour = millisOfDay / 3_600_000
        let minute = (millisOfDay / 60_000) % 60
        let second = (millisOfDay / 1000) % 60
        let millis = millisOfDay % 1000
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":"
            + pad(second, 2) + "." + pad(millis, 3) + "Z"
    }

    /// Parses an ISO-8601 / RFC 3339 date-time: `YYYY-MM-DDTHH:MM[:SS[.fff…]]` followed by `Z` or `±HH:MM`.
    /// Returns `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ count: Int) -> Int64? {
            guard i + count <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<count {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += count
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else { return nil }
        guard i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
        i += 1
        guard let hour = number(2), expect(58), let minute = number(2) else { return nil }
        var second: Int64 = 0
        var fraction = 0.0
        if expect(58) {
            guard let s = number(2) else { return nil }
            second = s
            if expect(46) {
                var scale = 0.1
                var any = false
                while i < b.count, b[i] >= 48 && b[i] <= 57 {
                    fraction += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        var offsetSeconds: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign: Int64 = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = number(2), expect(58), let om = number(2), oh < 24, om < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = self.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date.
    public static func days(fromCivil y: Int64, _ m: Int64, _ d: Int64) -> Int64 { CivilDate.days(year: y, month: m, day: d) }

    /// The proleptic Gregorian date for a count of days since 1970-01-01.
    public static func civil(fromDays z: Int64) -> (year: Int64, month: Int64, day: Int64) { CivilDate.date(days: z) }

    /// Days in a month of a proleptic Gregorian year.
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension Timestamp {
    /// Formats epoch seconds as `YYYY-MM-DDTHH:MM:SSZ` (second precision, as Zendesk writes timestamps).
    public static func formatSeconds(_ epoch: Int64) -> String {
        let full = format(Date(timeIntervalSince1970: Double(epoch)))
        return String(full.prefix(19)) + "Z"
    }
}
