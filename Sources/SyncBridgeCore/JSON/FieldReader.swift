import Foundation

/// Collects validation failures while a request body is read, so one response can name every bad field.
public final class FailureCollector {
    /// The failures so far, in the order found.
    public private(set) var failures: [FieldFailure] = []

    /// Creates an empty collector.
    public init() {}

    /// Records a failure.
    public func add(_ path: String, _ message: String) {
        failures.append(FieldFailure(path: path, message: message))
    }

    /// Throws a 422 ``SyncBridgeError`` when anything was recorded.
    public func throwIfAny() throws(SyncBridgeError) {
        if !failures.isEmpty { throw SyncBridgeError.validation(failures) }
    }
}

extension SyncBridgeError {
    /// A body whose reading recorded no failure and still lacked a member (a reader that forgot to record one).
    public static let incompleteBody = SyncBridgeError.validation([FieldFailure(path: "body", message: "is incomplete")])
}

extension FieldReader {
    /// Reads a whole request body into a typed value. `build` reads every member off the reader (each problem is
    /// recorded) and returns the value, or nil when something it needs is missing; members outside `fields` are
    /// refused, and so is `null` for members not in `nullable`. Every problem found is reported in one 422, so callers get a complete value or an error, never an
    /// optional to unwrap.
    public static func read<T>(
        _ body: JSONValue, fields: Set<String>, nullable: Set<String> = [], _ build: (FieldReader) -> T?
    ) throws(SyncBridgeError) -> T {
        let failures = FailureCollector()
        let reader = FieldReader(body, failures: failures)
        reader.rejectUnknown(fields)
        reader.refuseNulls(except: nullable)
        let value = build(reader)
        try failures.throwIfAny()
        guard let value else { throw SyncBridgeError.incompleteBody }
        return value
    }
}

/// Reads typed members out of a JSON object, recording a ``FieldFailure`` (with the member's full path) for every
/// missing, mistyped or unknown member instead of stopping at the first.
public struct FieldReader {
    /// The object's members (empty when the value was not an object).
    public let members: [String: JSONValue]
    /// The path of the object itself (`""` for the request body).
    public let path: String
    /// Where failures go.
    public let failures: FailureCollector

    /// Reads `value`, which must be an object; records a failure at `path` otherwise.
    public init(_ value: JSONValue, path: String = "", failures: FailureCollector) {
        self.path = path
        self.failures = failures
        if case .object(let o) = value {
            members = o
        } else {
            members = [:]
            failures.add(path.isEmpty ? "body" : path, "must be a JSON object")
        }
    }

    /// The full path of a member.
    public func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// True when the member is present (even if `null`).
    public func has(_ key: String) -> Bool { members[key] != nil }

    /// Records a `must not be null` failure for every member that is `null` and not in `nullable`. In API input,
    /// `null` is not a way to leave a member out: only members documented as nullable (to clear them) take it.
    public func refuseNulls(except nullable: Set<String> = []) {
        for (key, value) in members.sorted(by: { $0.key < $1.key }) where value.isNull && !nullable.contains(key) {
            failures.add(path(key), "must not be null (leave it out instead)")
        }
    }

    /// Records an `unknown field` failure for every member not in `allowed`.
    public func rejectUnknown(_ allowed: Set<String>) {
        for key in members.keys.sorted() where !allowed.contains(key) {
            failures.add(path(key), "unknown field")
        }
    }

    /// Records a failure for a required member that is absent or null.
    @discardableResult
    public func require(_ key: String) -> Bool {
        guard let v = members[key], !v.isNull else {
            failures.add(path(key), "is required")
            return false
        }
        return true
    }

    /// Any JSON value; `nil` when absent.
    public func value(_ key: String) -> JSONValue? { members[key] }

    /// Any JSON value; `nil` when absent or `null`. (Beware `$0.isNull ? nil : $0`: `JSONValue` is
    /// `ExpressibleByNilLiteral`, so that `nil` is `.null`.)
    public func present(_ key: String) -> JSONValue? {
        guard let v = members[key], !v.isNull else { return nil }
        return v
    }

    /// A string member; `nil` when absent or null; a failure when of another type or (with `nonEmpty`) blank.
    public func string(_ key: String, required: Bool = false, nonEmpty: Bool = true) -> String? {
        guard let v = members[key], !v.isNull else {
            if required { failures.add(path(key), "is required") }
            return nil
        }
        guard case .string(let s) = v else {
            failures.add(path(key), "must be a string")
            return nil
        }
        if nonEmpty && s.trimmingCharacters(in: .whitespaces).isEmpty {
            failures.add(path(key), "must not be empty")
            return nil
        }
        return s
    }

    /// A Boolean member.
    public func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let v = members[key], !v.isNull else {
            if required { failures.add(path(key), "is required") }
            return nil
        }
        guard case .bool(let b) = v else {
            failures.add(path(key), "must be a boolean")
            return nil
        }
        return b
    }

    /// An integer member (a JSON number with no fraction).
    public func int(_ key: String, required: Bool = false) -> Int? {
        guard let v = members[key], !v.isNull else {
            if required { failures.add(path(key), "is required") }
            return nil
        }
        guard case .number(let n) = v, n.rounded() == n, abs(n) < 9e15 else {
            failures.add(path(key), "must be an integer")
            return nil
        }
        return Int(n)
    }

    /// An object member.
    public func object(_ key: String, required: Bool = false) -> [String: JSONValue]? {
        guard let v = members[key], !v.isNull else {
            if required { failures.add(path(key), "is required") }
            return nil
        }
        guard case .object(let o) = v else {
            failures.add(path(key), "must be an object")
            return nil
        }
        return o
    }

    /// An array member.
    public func array(_ key: String, required: Bool = false) -> [JSONValue]? {
        guard let v = members[key], !v.isNull else {
            if required { failures.add(path(key), "is required") }
            return nil
        }
        guard case .array(let a) = v else {
            failures.add(path(key), "must be an array")
            return nil
        }
        return a
    }

    /// An array of strings.
    public func stringArray(_ key: String, required: Bool = false) -> [String]? {
        guard let a = array(key, required: required) else { return nil }
        var out: [String] = []
        for (i, element) in a.enumerated() {
            guard case .string(let s) = element else {
                failures.add("\(path(key))[\(i)]", "must be a string")
                continue
            }
            out.append(s)
        }
        return out
    }

    /// A UUID given as a string.
    public func uuid(_ key: String, required: Bool = false) -> UUID? {
        guard let s = string(key, required: required) else { return nil }
        guard let id = UUID(uuidString: s) else {
            failures.add(path(key), "must be a UUID")
            return nil
        }
        return id
    }

    /// A timestamp given as an ISO-8601 string.
    public func date(_ key: String, required: Bool = false) -> Date? {
        guard let s = string(key, required: required) else { return nil }
        guard let d = Timestamp.parse(s) else {
            failures.add(path(key), "must be an ISO-8601 date-time")
            return nil
        }
        return d
    }

    /// A string that must be one of `allowed`.
    public func oneOf(_ key: String, _ allowed: [String], required: Bool = false) -> String? {
        guard let s = string(key, required: required) else { return nil }
        guard allowed.contains(s) else {
            failures.add(path(key), "must be one of \(allowed.joined(separator: ", "))")
            return nil
        }
        return s
    }
}

/// Decodes a stored model, turning any failure into an internal error (stored data is trusted but checked).
public func decodeStored<T>(_ name: String, _ value: JSONValue, _ build: (FieldReader) -> T?) throws(SyncBridgeError) -> T {
    let failures = FailureCollector()
    let reader = FieldReader(value, failures: failures)
    guard let result = build(reader), failures.failures.isEmpty else {
        let detail = failures.failures.map { "\($0.path) \($0.message)" }.joined(separator: "; ")
        throw SyncBridgeError(.internalError, code: "corrupt_record", message: "Stored \(name) is unreadable: \(detail)")
    }
    return result
}

extension UUID {
    /// The lowercase string form used on the wire (`7279a917-b447-…`).
    public var lowercased: String { uuidString.lowercased() }
}

extension Optional where Wrapped == Date {
    /// The timestamp string, or JSON null.
    public var json: JSONValue { self.map { .string(Timestamp.format($0)) } ?? .null }
}

extension Optional where Wrapped == String {
    /// The string, or JSON null.
    public var json: JSONValue { self.map { .string($0) } ?? .null }
}

extension Date {
    /// The timestamp string as JSON.
    public var json: JSONValue { .string(Timestamp.format(self)) }
}
