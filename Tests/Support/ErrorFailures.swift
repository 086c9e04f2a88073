import JSONCore

/// The `details.failures` of an error body as `"path: message"` lines, sorted: what a test compares exactly.
public func failureLines(_ body: JSONValue) -> [String] {
    (body["details"]?["failures"]?.arrayValue ?? []).map { "\($0["path"]?.stringValue ?? "?"): \($0["message"]?.stringValue ?? "?")" }.sorted()
}
