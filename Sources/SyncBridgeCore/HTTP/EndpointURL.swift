import Foundation

/// An absolute `http`/`https` URL that SyncBridge will connect to: a webhook's `target_url` or an account's
/// `base_url`. Checked when the URL is written (a 422 naming the field) and again before every request, so a row
/// written by an older version can fail its own run but never reach the HTTP client's traps (a port above 65535).
public enum EndpointURL {
    /// The longest URL accepted.
    public static let maximumLength = 2_048

    /// Why `text` is not a usable endpoint, as a phrase that completes "must be …" (`nil` when it is usable).
    public static func problem(_ text: String) -> String? {
        if text.isEmpty { return "an absolute http or https URL (it is empty)" }
        if text.utf8.count > maximumLength { return "an absolute http or https URL of at most \(maximumLength) bytes" }
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            let code = String(bad.value, radix: 16, uppercase: true)
            return
                "an absolute http or https URL without spaces or control characters (found U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code))"
        }
        guard let components = URLComponents(string: text), URL(string: text) != nil else {
            return "an absolute http or https URL (it does not parse)"
        }
        guard let scheme = components.scheme?.lowercased() else { return "an absolute http or https URL (it has no scheme)" }
        guard scheme == "http" || scheme == "https" else { return "an absolute http or https URL (the scheme is '\(scheme)')" }
        guard let host = components.host, !host.isEmpty else { return "an absolute http or https URL with a host" }
        if let port = components.port, !(1...65_535).contains(port) {
            return "an absolute http or https URL with a port from 1 to 65535 (got \(port))"
        }
        return nil
    }

    /// Records a failure for the field at `path` when `text` is not usable; true when it is.
    @discardableResult
    public static func check(_ text: String, at path: String, failures: FailureCollector) -> Bool {
        guard let problem = problem(text) else { return true }
        failures.add(path, "must be " + problem)
        return false
    }
}
