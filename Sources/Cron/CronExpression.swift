/// A parsed five-field cron expression (minute hour day-of-month month day-of-week).
///
/// Supports `*`, lists, ranges, steps (`*/6`, `1-30/5`, `5/15`), month and weekday names in any case, `7` as Sunday,
/// and the macros `@hourly @daily @midnight @weekly @monthly @yearly @annually`. When both day fields are restricted
/// a day matches if either matches (the Vixie cron rule).
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text it was parsed from.
    public let source: String
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    let daysOfWeek: UInt64
    /// True when day-of-month is given as a plain `*`.
    let dayOfMonthIsStar: Bool
    /// True when day-of-week is given as a plain `*`.
    let dayOfWeekIsStar: Bool

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses an expression.
    /// - Parameter compatibility: how to read the corner cases; croniter's reading by default (it is what the
    ///   conformance vectors, and most Python-based schedulers, expect).
    /// - Throws: ``CronParseError`` naming the field and the problem.
    public init(_ text: String, compatibility: CronCompatibility = .croniter) throws(CronParseError) {
        source = text
        var body = text.trimmingWhitespace()
        if body.hasPrefix("@") {
            guard let expansion = Self.macros[body.lowercased()] else {
                throw CronParseError(field: nil, message: "unknown macro '\(body)' (known: \(Self.macros.keys.sorted().joined(separator: " ")))")
            }
            body = expansion
        }
        let fields = body.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            throw CronParseError(
                field: nil, message: "expected 5 fields (minute hour day-of-month month day-of-week), got \(fields.count)"
            )
        }
        minutes = try CronField.minute.parse(fields[0], compatibility: compatibility)
        hours = try CronField.hour.parse(fields[1], compatibility: compatibility)
        daysOfMonth = try CronField.dayOfMonth.parse(fields[2], compatibility: compatibility)
        months = try CronField.month.parse(fields[3], compatibility: compatibility)
        daysOfWeek = try CronField.dayOfWeek.parse(fields[4], compatibility: compatibility)
        switch compatibility {
        case .croniter:
            // croniter folds a day field that lists every value back into `*`, but only when the other day field's
            // text contains a `*` (so `*/1` in day-of-month with day-of-week `1` keeps the OR rule).
            dayOfMonthIsStar = fields[2] == "*" || (daysOfMonth == Self.allDaysOfMonth && fields[4].contains("*"))
            dayOfWeekIsStar = fields[4] == "*" || (daysOfWeek == Self.allDaysOfWeek && fields[2].contains("*"))
        case .vixie:
            dayOfMonthIsStar = fields[2].hasPrefix("*")
            dayOfWeekIsStar = fields[4].hasPrefix("*")
        }
    }

    public var description: String { source }

    static let allDaysOfMonth: UInt64 = ((1 << 32) - 1) & ~1
    static let allDaysOfWeek: UInt64 = (1 << 7) - 1

    /// True when the day (of a month with `monthLength` days) matches the day fields.
    func matchesDay(day: Int, weekday: Int) -> Bool {
        let domMatch = daysOfMonth & (1 << UInt64(day)) != 0
        let dowMatch = daysOfWeek & (1 << UInt64(weekday)) != 0
        if dayOfMonthIsStar || dayOfWeekIsStar { return domMatch && dowMatch }
        return domMatch || dowMatch
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
