import Foundation

/// The `Retry-After` header (RFC 9110 §10.2.3) of a provider or a receiver, read defensively: only
/// `delay-seconds` (digits, or the fractions some servers send) or an HTTP-date, clamped to `0…maximum`. Anything else (`-5`, `nan`, `inf`, `1e400`,
/// garbage) is ignored, so no answer can make a wait infinite, negative or not a number.
public enum RetryAfter {
    /// The longest wait a header can ask for (a day).
    public static let maximum: Double = 86_400

    /// The wait in seconds that `value` asks for, measured from `now` for a date; nil when it asks for none.
    public static func seconds(_ value: String?, now: Date = Date()) -> Double? {
        guard let raw = value?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        if raw.utf8.allSatisfy(isDigit) {
            // Digits only: a count of seconds, however many digits (more than 6 is past the cap anyway).
            guard raw.utf8.count <= 6, let n = Int(raw) else { return maximum }
            return min(maximum, Double(n))
        }
        // Some servers send fractions (`1.5`): digits, one point, digits.
        let parts = raw.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 9 && $0.allSatisfy(isDigit) }), let n = Double(raw) {
            return min(maximum, n)
        }
        guard let date = httpDate(raw) else { return nil }
        return min(maximum, max(0, date.timeIntervalSince(now)))
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
