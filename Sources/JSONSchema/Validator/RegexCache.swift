import Foundation

/// Compiled ECMA-262 patterns, translated to ICU where the two differ (`\d` and `\w` are ASCII-only in ECMA-262).
final class RegexCache: @unchecked Sendable {
    // @unchecked: every access to `cache` holds `lock`.
    private let lock = NSLock()
    private var cache: [String: NSRegularExpression?] = [:]

    func regex(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[pattern] { return cached }
        let compiled = try? NSRegularExpression(pattern: Self.translate(pattern), options: [])
        cache[pattern] = compiled
        return compiled
    }

    /// How a match ended.
    enum Outcome {
        case match
        case noMatch
        /// The deadline passed while the matcher was still backtracking.
        case outOfTime
    }

    /// Whether `pattern` matches anywhere in `text` (patterns are not anchored). The matcher reports its progress
    /// while it backtracks, and stops at `deadline`.
    func match(_ pattern: String, _ text: String, deadline: ContinuousClock.Instant) -> Outcome {
        guard let regex = regex(pattern) else { return .noMatch }
        var outcome = Outcome.noMatch
        regex.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text)) { found, _, stop in
            if found != nil {
                outcome = .match
                stop.pointee = true
            } else if ContinuousClock.now > deadline {
                outcome = .outOfTime
                stop.pointee = true
            }
        }
        return outcome
    }

    static func translate(_ pattern: String) -> String {
        // ECMA-262's empty classes, which ICU rejects: [] matches nothing, [^] matches anything.
        var pattern = pattern.replacingOccurrences(of: "[^]", with: "[\\s\\S]").replacingOccurrences(of: "[]", with: "(?!)")
        // ICU needs lookbehind of bounded length; ES2018 allows any. Bound + and * inside lookbehind generously.
        if let range = pattern.range(of: #"\(\?<[=!][^)]*[+*][^)]*\)"#, options: .regularExpression) {
            let bounded = pattern[range].replacingOccurrences(of: "+", with: "{1,255}").replacingOccurrences(of: "*", with: "{0,255}")
            pattern.replaceSubrange(range, with: bounded)
        }
        var out = ""
        var inClass = false
        var chars = pattern.makeIterator()
        while let c = chars.next() {
            if c == "\\" {
                guard let n = chars.next() else {
                    out.append(c)
                    break
                }
                switch n {
                case "d": out += inClass ? "0-9" : "[0-9]"
                case "D": out += inClass ? "\\x{0}-/:-\\x{10FFFF}" : "[^0-9]"
                case "w": out += inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"
                case "s": out += inClass ? "\\s\\x{FEFF}" : "[\\s\\x{FEFF}]"
                case "S": out += inClass ? "\\S" : "[^\\s\\x{FEFF}]"
                case "W": out += inClass ? "\\x{0}-/:-@\\[-^`{-\\x{10FFFF}" : "[^a-zA-Z0-9_]"
                default:
                    out.append(c)
                    out.append(n)
                }
                continue
            }
            if c == "[" && !inClass { inClass = true } else if c == "]" && inClass { inClass = false }
            out.append(c)
        }
        return out
    }
}
