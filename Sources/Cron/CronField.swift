/// The five fields of a cron expression, with their ranges and names.
public enum CronField: Int, Sendable, CaseIterable {
    case minute, hour, dayOfMonth, month, dayOfWeek

    /// The field's name in error messages.
    public var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// Smallest value accepted.
    public var lowerBound: Int {
        switch self {
        case .minute, .hour, .dayOfWeek: 0
        case .dayOfMonth, .month: 1
        }
    }

    /// Largest value accepted (`7` is accepted for Sunday in day-of-week).
    public var upperBound: Int {
        switch self {
        case .minute: 59
        case .hour: 23
        case .dayOfMonth: 31
        case .month: 12
        case .dayOfWeek: 7
        }
    }

    /// Three-letter names (case-insensitive), for month and day-of-week.
    var names: [String: Int] {
        switch self {
        case .month:
            ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]
        case .dayOfWeek:
            ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]
        default: [:]
        }
    }

    /// Parses one field into a bit set of the values it matches (bit `n` set when value `n` matches).
    func parse(_ text: Substring, compatibility: CronCompatibility) throws(CronParseError) -> UInt64 {
        guard !text.isEmpty else { throw CronParseError(field: self, message: "is empty") }
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            bits |= try parseItem(item, compatibility: compatibility)
        }
        if self == .dayOfWeek, bits & (1 << 7) != 0 {
            bits = (bits & ~(1 << 7)) | 1  // 7 is Sunday
        }
        return bits
    }

    private func parseItem(_ item: Substring, compatibility: CronCompatibility) throws(CronParseError) -> UInt64 {
        guard !item.isEmpty else { throw CronParseError(field: self, message: "has an empty list item") }
        var rangePart = item
        var step = 1
        if let slash = item.firstIndex(of: "/") {
            rangePart = item[..<slash]
            let stepText = item[item.index(after: slash)...]
            guard let s = Int(stepText), s > 0 else {
                throw CronParseError(field: self, message: "step '\(stepText)' must be a positive integer")
            }
            guard s <= upperBound - lowerBound + 1 || s <= upperBound else {
                throw CronParseError(field: self, message: "step \(s) is larger than the field's range")
            }
            step = s
        }
        let low: Int
        let high: Int
        if rangePart == "*" {
            low = lowerBound
            high = self == .dayOfWeek ? 6 : upperBound
        } else if let dash = rangePart.firstIndex(of: "-") {
            let a = try value(rangePart[..<dash])
            let b = try value(rangePart[rangePart.index(after: dash)...])
            guard a <= b else {
                throw CronParseError(field: self, message: "range \(rangePart) runs backwards")
            }
            if a == b && compatibility == .croniter {
                // croniter reads a one-value range `a-a` as `*` (and `a-a/s` as `*/s`); the conformance vectors do too.
                low = lowerBound
                high = self == .dayOfWeek ? 6 : upperBound
            } else {
                low = a
                high = b
            }
        } else {
            low = try value(rangePart)
            // `a/step` means from a to the end of the range, stepping.
            high = item.contains("/") ? (self == .dayOfWeek ? 6 : upperBound) : low
        }
        var bits: UInt64 = 0
        var v = low
        while v <= high {
            bits |= 1 << UInt64(v)
            v += step
        }
        return bits
    }

    private func value(_ text: Substring) throws(CronParseError) -> Int {
        if let n = Int(text) {
            guard n >= lowerBound && n <= upperBound else {
                throw CronParseError(field: self, message: "\(n) is out of range \(lowerBound)-\(upperBound)")
            }
            return n
        }
        if let n = names[text.lowercased()] { return n }
        throw CronParseError(field: self, message: "'\(text)' is not a number\(names.isEmpty ? "" : " or a name")")
    }
}

/// Which reading of the corner cases to follow.
public enum CronCompatibility: Sendable, Hashable {
    /// croniter's (the reference of the conformance vectors): a one-value range `a-a` means `*`, and a day field
    /// counts as unrestricted (AND rule) only when it is exactly `*`, so `*/2` in both day fields uses the OR rule.
    case croniter
    /// Vixie cron's: `a-a` means `a`, and a day field starting with `*` counts as unrestricted.
    case vixie
}
