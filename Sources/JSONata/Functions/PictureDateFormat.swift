import Foundation

/// XPath `format-dateTime` picture strings (`[Y0001]-[M01]-[D01]`, `[FNn], [D1o] [MNn]`, `[h]:[m01][P]`, `[Z01:01t]`, …)
/// for `$fromMillis`, and the same pictures for parsing in `$toMillis`.
enum PictureDateFormat {
    enum Names { case upper, lower, title }

    struct Marker {
        var component: Character
        var presentation1: String
        var presentation2: Character?
        var names: Names?
        var integerFormat: IntegerFormatting.Format?
        var widthMin: Int?
        var widthMax: Int?
        var n = -1
        var parseWidth: Int?
    }

    enum Part {
        case literal(String)
        case marker(Marker)
    }

    static let defaultPresentation: [Character: String] = [
        "Y": "1", "M": "1", "D": "1", "d": "1", "F": "n", "W": "1", "w": "1", "X": "1", "x": "1", "H": "1", "h": "1",
        "P": "n", "m": "01", "s": "01", "f": "1", "Z": "01:01", "z": "01:01", "C": "n", "E": "n",
    ]
    static let days = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let millisInADay = 86_400_000.0

    static func analyse(_ picture: String) throws(JSONataError) -> [Part] {
        let chars = Array(picture)
        var parts: [Part] = []
        var start = 0
        var pos = 0
        func addLiteral(_ a: Int, _ b: Int) {
            guard b > a else { return }
            parts.append(.literal(String(chars[a..<b]).replacingOccurrences(of: "]]", with: "]")))
        }
        while pos < chars.count {
            if chars[pos] == "[" {
                if pos + 1 < chars.count && chars[pos + 1] == "[" {
                    addLiteral(start, pos)
                    parts.append(.literal("["))
                    pos += 2
                    start = pos
                    continue
                }
                addLiteral(start, pos)
                start = pos
                guard let close = chars[start...].firstIndex(of: "]") else { throw JSONataError("D3135") }
                pos = close
                let marker = String(chars[(start + 1)..<pos]).filter { !$0.isWhitespace }
                guard let component = marker.first else { throw JSONataError("D3132") }
                var def = Marker(component: component, presentation1: "")
                var presentation: String
                if let comma = marker.lastIndex(of: ",") {
                    let width = String(marker[marker.index(after: comma)...])
                    let bounds = width.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                    func parseWidth(_ s: String?) -> Int? { s == nil || s == "*" ? nil : Int(s!) }
                    def.widthMin = parseWidth(bounds.first)
                    def.widthMax = bounds.count > 1 ? parseWidth(bounds[1]) : nil
                    presentation = String(marker[marker.index(after: marker.startIndex)..<comma])
                } else {
                    presentation = String(marker.dropFirst())
                }
                if presentation.count == 1 {
                    def.presentation1 = presentation
                } else if presentation.count > 1 {
                    let last = presentation.last!
                    if "atco".contains(last) {
                        def.presentation2 = last
                        def.presentation1 = String(presentation.dropLast())
                    } else {
                        def.presentation1 = presentation
                    }
                } else {
                    guard let d = defaultPresentation[component] else { throw JSONataError("D3132", token: String(component)) }
                    def.presentation1 = d
                }
                guard defaultPresentation[component] != nil else { throw JSONataError("D3132", token: String(component)) }
                if def.presentation1.first == "n" {
                    def.names = .lower
                } else if def.presentation1.first == "N" {
                    def.names = def.presentation1.dropFirst().first == "n" ? .title : .upper
                } else if "YMDdFWwXxHhmsf".contains(component) {
                    var pattern = def.presentation1
                    if let p2 = def.presentation2 { pattern += ";" + String(p2) }
                    var format = try IntegerFormatting.analyse(pattern)
                    if let min = def.widthMin, format.mandatoryDigits < min { format.mandatoryDigits = min }
                    if component == "Y" {
                        def.n = -1
                        if let max = def.widthMax {
                            def.n = max
                            format.mandatoryDigits = max
                        } else {
                            let w = format.mandatoryDigits + format.optionalDigits
                            if w >= 2 { def.n = w }
                        }
                    }
                    if case .marker(var previous)? = parts.last, let pf = previous.integerFormat {
                        previous.parseWidth = pf.mandatoryDigits
                        parts[parts.count - 1] = .marker(previous)
                    }
                    def.integerFormat = format
                }
                if component == "Z" || component == "z" {
                    def.integerFormat = try IntegerFormatting.analyse(def.presentation1)
                }
                parts.append(.marker(def))
                start = pos + 1
            }
            pos += 1
        }
        addLiteral(start, pos)
        return parts
    }

    /// The calendar fields of a UTC instant.
    struct Fields {
        let millis: Double
        let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, milli: Int
        /// 0 = Sunday.
        let weekday: Int

        init(_ millis: Double) {
            self.millis = millis
            let total = Int64(millis.rounded(.down))
            let days = total >= 0 ? total / 86_400_000 : -((-total + 86_399_999) / 86_400_000)
            let ms = total - days * 86_400_000
            let (y, m, d) = DateTimeFormatting.civil(fromDays: days)
            year = Int(y)
            month = Int(m)
            day = Int(d)
            hour = Int(ms / 3_600_000)
            minute = Int(ms / 60_000 % 60)
            second = Int(ms / 1000 % 60)
            milli = Int(ms % 1000)
            weekday = Int(((days % 7) + 7 + 4) % 7)
        }
    }

    static func utc(_ y: Int, _ m0: Int, _ d: Int = 1) -> Double {
        // m0 is zero-based and may overflow into the next year, as Date.UTC allows.
        let y2 = y + Int((Double(m0) / 12).rounded(.down))
        let m = ((m0 % 12) + 12) % 12
        return Double(DateTimeFormatting.days(year: Int64(y2), month: Int64(m + 1), day: 1) + Int64(d - 1)) * millisInADay
    }

    static func startOfFirstWeek(_ year: Int, _ month: Int) -> Double {
        let first = utc(year, month)
        var day = Fields(first).weekday
        if day == 0 { day = 7 }
        return day > 4 ? first + Double(8 - day) * millisInADay : first - Double(day - 1) * millisInADay
    }

    static func deltaWeeks(_ start: Double, _ end: Double) -> Double { (end - start) / (millisInADay * 7) + 1 }

    enum Component {
        case number(Int)
        case text(String)
        case none
    }

    static func fragment(_ f: Fields, _ component: Character) -> Component {
        switch component {
        case "Y": return .number(f.year)
        case "M": return .number(f.month)
        case "D": return .number(f.day)
        case "d":
            let today = utc(f.year, f.month - 1, f.day)
            return .number(Int((today - utc(f.year, 0)) / millisInADay) + 1)
        case "F": return .number(f.weekday == 0 ? 7 : f.weekday)
        case "W":
            let start = startOfFirstWeek(f.year, 0)
            let today = utc(f.year, f.month - 1, f.day)
            var week = deltaWeeks(start, today)
            if week > 52 {
                if today >= startOfFirstWeek(f.year + 1, 0) { week = 1 }
            } else if week < 1 {
                week = deltaWeeks(startOfFirstWeek(f.year - 1, 0), today)
            }
            return .number(Int(week.rounded(.down)))
        case "w":
            let m0 = f.month - 1
            let start = startOfFirstWeek(f.year, m0)
            let today = utc(f.year, m0, f.day)
            var week = deltaWeeks(start, today)
            if week > 4 {
                let (ny, nm) = m0 == 11 ? (f.year + 1, 0) : (f.year, m0 + 1)
                if today >= startOfFirstWeek(ny, nm) { week = 1 }
            } else if week < 1 {
                let (py, pm) = m0 == 0 ? (f.year - 1, 11) : (f.year, m0 - 1)
                week = deltaWeeks(startOfFirstWeek(py, pm), today)
            }
            return .number(Int(week.rounded(.down)))
        case "X":
            let start = startOfFirstWeek(f.year, 0)
            let end = startOfFirstWeek(f.year + 1, 0)
            if f.millis < start { return .number(f.year - 1) }
            if f.millis >= end { return .number(f.year + 1) }
            return .number(f.year)
        case "x":
            let m0 = f.month - 1
            let start = startOfFirstWeek(f.year, m0)
            let (ny, nm) = m0 == 11 ? (f.year + 1, 0) : (f.year, m0 + 1)
            let end = startOfFirstWeek(ny, nm)
            if f.millis < start { return .number(m0 == 0 ? 12 : m0) }
            if f.millis >= end { return .number(nm + 1) }
            return .number(f.month)
        case "H": return .number(f.hour)
        case "h":
            let h = f.hour % 12
            return .number(h == 0 ? 12 : h)
        case "P": return .text(f.hour >= 12 ? "pm" : "am")
        case "m": return .number(f.minute)
        case "s": return .number(f.second)
        case "f": return .number(f.milli)
        case "C", "E": return .text("ISO")
        default: return .none
        }
    }

    static func format(millis: Double, picture: String, timezone: String?) throws(JSONataError) -> String {
        var offsetHours = 0
        var offsetMinutes = 0
        if let timezone, let offset = Int(timezone.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "+", with: "")) {
            guard abs(offset) <= 9999 else {
                throw JSONataError("U1006", message: "The timezone \(timezone) is not an offset of at most ±99 hours and 99 minutes (±HHMM)")
            }
            offsetHours = Int((Double(offset) / 100).rounded(.down))
            offsetMinutes = offset % 100
        }
        let parts = try analyse(picture)
        let offsetMillis = Double((60 * offsetHours + offsetMinutes) * 60 * 1000)
        let fields = Fields(millis + offsetMillis)
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .marker(let m): out += try formatComponent(fields, m, offsetHours, offsetMinutes)
            }
            try Evaluator.checkStringLength(out.utf8.count)
        }
        return out
    }

    static func formatComponent(_ f: Fields, _ m: Marker, _ offsetHours: Int, _ offsetMinutes: Int) throws(JSONataError) -> String {
        let value = fragment(f, m.component)
        if "YMDdFWwXxHhms".contains(m.component), case .number(var n) = value {
            if m.component == "Y" && m.n != -1 && m.n < 18 { n = n % Int(pow(10, Double(m.n))) }
            if let names = m.names {
                var text: String
                if m.component == "M" || m.component == "x" {
                    text = months[n - 1]
                } else if m.component == "F" {
                    text = days[n]
                } else {
                    throw JSONataError("D3133", token: String(m.component))
                }
                if names == .upper { text = text.uppercased() } else if names == .lower { text = text.lowercased() }
                if let max = m.widthMax, text.count > max { text = String(text.prefix(max)) }
                return text
            }
            return try IntegerFormatting.format(Double(n), m.integerFormat!)
        }
        if m.component == "f", case .number(let n) = value {
            return try IntegerFormatting.format(Double(n), m.integerFormat!)
        }
        if m.component == "Z" || m.component == "z" {
            let offset = offsetHours * 100 + offsetMinutes
            let format = m.integerFormat!
            var text: String
            if format.regular {
                text = try IntegerFormatting.format(Double(offset), format)
            } else {
                let digits = format.mandatoryDigits
                if digits == 1 || digits == 2 {
                    text = try IntegerFormatting.format(Double(offsetHours), format)
                    if offsetMinutes != 0 { text += ":" + String(format: "%02d", abs(offsetMinutes)) }
                } else if digits == 3 || digits == 4 {
                    text = try IntegerFormatting.format(Double(offset), format)
                } else {
                    throw JSONataError("D3134", token: String(digits))
                }
            }
            if offset >= 0 { text = "+" + text }
            if m.component == "z" { text = "GMT" + text }
            if offset == 0 && m.presentation2 == "t" { text = "Z" }
            return text
        }
        if m.component == "P", case .text(let t) = value {
            return m.names == .upper ? t.uppercased() : t
        }
        if case .text(let t) = value {
            if m.names == .upper { return t.uppercased() }
            return t
        }
        if m.names != nil { throw JSONataError("D3133", token: String(m.component)) }
        return ""
    }
}
