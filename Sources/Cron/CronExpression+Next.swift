import Foundation

extension CronExpression {
    /// How many years ahead ``next(after:in:)`` looks before concluding the expression never fires (30 February).
    /// 28 years covers every combination of leap year and weekday.
    public static let searchHorizonYears = 28

    /// The first fire time strictly after `date`, or `nil` when the expression can never fire.
    ///
    /// Computed field by field (month, day, hour, minute), never by stepping minute by minute. In a time zone with
    /// daylight saving, a fire time that falls in a skipped hour fires at the first instant after the gap, and one in
    /// a repeated hour fires once, at its first occurrence.
    public func next(after date: Date, in timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> Date? {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let offset = Int64(timeZone.secondsFromGMT(for: date))
        var localMinute = Self.floorDiv(seconds + offset, 60)
        for _ in 0..<4 {
            guard let candidate = nextLocalMinute(after: localMinute) else { return nil }
            let utc = Self.utcSeconds(fromLocal: candidate * 60, in: timeZone)
            if utc > seconds { return Date(timeIntervalSince1970: Double(utc)) }
            localMinute = candidate  // a repeated local hour mapped before `date`: look further
        }
        return nil
    }

    /// Fire times after `date`, lazily.
    public func fireTimes(after date: Date, in timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> CronFireTimes {
        CronFireTimes(expression: self, current: date, timeZone: timeZone)
    }

    /// The next matching local civil minute (minutes since 1970 in local time) strictly after `minute`.
    func nextLocalMinute(after minute: Int64) -> Int64? {
        let start = minute + 1
        var days = Self.floorDiv(start, 1440)
        var minuteOfDay = Int(start - days * 1440)
        var (y, m, d) = Self.civil(fromDays: days)
        var h = minuteOfDay / 60
        var mi = minuteOfDay % 60
        let limitYear = y + Int64(Self.searchHorizonYears)
        while y <= limitYear {
            if months & (1 << UInt64(m)) == 0 {
                guard let nm = Self.nextBit(months, from: m + 1, upTo: 12) else {
                    y += 1
                    m = 1
                    d = 1
                    h = 0
                    mi = 0
                    continue
                }
                m = nm
                d = 1
                h = 0
                mi = 0
                continue
            }
            let length = Self.daysIn(month: m, year: y)
            if d > length {
                m += 1
                if m > 12 {
                    m = 1
                    y += 1
                }
                d = 1
                h = 0
                mi = 0
                continue
            }
            days = Self.days(fromCivil: y, m, d)
            let weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
            if !matchesDay(day: d, weekday: weekday) {
                d += 1
                h = 0
                mi = 0
                continue
            }
            guard let nh = Self.nextBit(hours, from: h, upTo: 23) else {
                d += 1
                h = 0
                mi = 0
                continue
            }
            if nh != h {
                h = nh
                mi = 0
            }
            guard let nmi = Self.nextBit(minutes, from: mi, upTo: 59) else {
                h += 1
                mi = 0
                if h > 23 {
                    d += 1
                    h = 0
                }
                continue
            }
            mi = nmi
            minuteOfDay = h * 60 + mi
            return days * 1440 + Int64(minuteOfDay)
        }
        return nil
    }

    /// The smallest set bit `>= from` and `<= upTo`.
    static func nextBit(_ bits: UInt64, from: Int, upTo: Int) -> Int? {
        guard from <= upTo else { return nil }
        let shifted = bits >> UInt64(from)
        guard shifted != 0 else { return nil }
        let n = from + shifted.trailingZeroBitCount
        return n <= upTo ? n : nil
    }

    /// The instant a local civil time names. Of two (a repeated hour) the earlier; of none (a skipped hour) the
    /// instant the same distance past the gap's start, i.e. just after the gap.
    static func utcSeconds(fromLocal local: Int64, in timeZone: TimeZone) -> Int64 {
        func offset(_ t: Int64) -> Int64 { Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))) }
        let before = offset(local - 86_400)
        let after = offset(local + 86_400)
        let valid = [before, after].map { local - $0 }.filter { offset($0) == local - $0 }
        return valid.min() ?? (local - before)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }

    static func days(fromCivil y: Int64, _ m: Int, _ d: Int) -> Int64 {
        let m = Int64(m)
        let d = Int64(d)
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z: Int64) -> (Int64, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysIn(month: Int, year: Int64) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A lazy, endless (or, for expressions that never fire, empty) sequence of fire times.
public struct CronFireTimes: Sequence, IteratorProtocol, Sendable {
    let expression: CronExpression
    var current: Date
    let timeZone: TimeZone

    public mutating func next() -> Date? {
        guard let n = expression.next(after: current, in: timeZone) else { return nil }
        current = n
        return n
    }
}

extension CronExpression {
    /// True when the minute containing `date` is a fire time.
    public func matches(_ date: Date, in timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> Bool {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(timeZone.secondsFromGMT(for: date))
        let minutesTotal = Self.floorDiv(seconds, 60)
        let days = Self.floorDiv(minutesTotal, 1440)
        let minuteOfDay = Int(minutesTotal - days * 1440)
        let (_, m, d) = Self.civil(fromDays: days)
        let weekday = Int(((days % 7) + 11) % 7)
        return minutes & (1 << UInt64(minuteOfDay % 60)) != 0 && hours & (1 << UInt64(minuteOfDay / 60)) != 0
            && months & (1 << UInt64(m)) != 0 && matchesDay(day: d, weekday: weekday)
    }
}
