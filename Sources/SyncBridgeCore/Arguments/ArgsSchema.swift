import Foundation
import JSONSchema

/// A sync job's `args_schema`, compiled, and the check of a run's `args` against it.
///
/// Two forms are accepted. A full JSON Schema is recognised by any schema keyword at its top level (`type`,
/// `properties`, `$ref`, `allOf`, …). Anything else is the shorthand of Truto's guide — a map of argument name to
/// schema, e.g. `{"ticket_sync_start_date": {"type": "string", "format": "date-time"}}` — read as
/// `{"type": "object", "properties": <map>}`. An argument literally named like a schema keyword needs the full form.
/// Formats (`date-time`, `uuid`, …) are asserted.
public struct ArgsSchema: Sendable {
    /// Top-level keys that mark a full schema rather than the shorthand.
    public static let schemaKeywords: Set<String> = [
        "$schema", "$id", "$ref", "$defs", "$dynamicRef", "$anchor", "definitions", "type", "properties", "required",
        "additionalProperties", "patternProperties", "propertyNames", "unevaluatedProperties", "allOf", "anyOf", "oneOf", "not",
        "if", "then", "else", "enum", "const", "minProperties", "maxProperties", "dependentRequired", "dependentSchemas",
        "title", "description",
    ]

    /// Checks schemas against the 2020-12 meta-schema (compiled once).
    static let metaschema = try! JSONSchemaValidator(
        schema: ["$ref": "https://json-schema.org/draft/2020-12/schema"], options: .init(formatAssertion: false)
    )

    /// The schema as it is applied (the shorthand expanded).
    public let schema: JSONValue
    let validator: JSONSchemaValidator

    /// Compiles `args_schema`, checking it against the JSON Schema 2020-12 meta-schema.
    /// - Throws: a 422 ``SyncBridgeError`` whose failures point into `args_schema`.
    public init(_ value: JSONValue) throws(SyncBridgeError) {
        guard case .object(let members) = value else {
            throw SyncBridgeError.validation([FieldFailure(path: "args_schema", message: "must be an object")])
        }
        let isFull = members.keys.contains { Self.schemaKeywords.contains($0) }
        let expanded: JSONValue = isFull ? value : ["type": "object", "properties": value]
        let problems = Self.metaschema.validate(expanded)
        if !problems.isEmpty {
            let shift = isFull ? "" : "/properties"
            throw SyncBridgeError.validation(
                problems.map { p in
                    let location = String(p.instanceLocation.dropFirst(shift.count > 0 && p.instanceLocation.hasPrefix(shift) ? shift.count : 0))
                    return FieldFailure(path: Self.dotted("args_schema", pointer: location), message: p.message)
                }
            )
        }
        let remote = Self.unresolvableReferences(in: expanded)
        if !remote.isEmpty {
            throw SyncBridgeError.validation(
                remote.map { r in
                    let location = isFull ? r.pointer : String(r.pointer.dropFirst(r.pointer.hasPrefix("/properties") ? "/properties".count : 0))
                    return FieldFailure(
                        path: Self.dotted("args_schema", pointer: location),
                        message:
                            "'\(r.reference)' is not in this schema; references are never fetched: put the schema under $defs and refer to it as '#/$defs/<name>'"
                    )
                }
            )
        }
        do {
            validator = try JSONSchemaValidator(schema: expanded, options: .init(formatAssertion: true))
        } catch {
            throw SyncBridgeError.validation([FieldFailure(path: Self.dotted("args_schema", pointer: error.keywordLocation), message: error.message)])
        }
        schema = expanded
    }

    /// The failures of `args`, each at `args.<name>` (empty when valid).
    public func check(_ args: [String: JSONValue]) -> [FieldFailure] {
        validator.validate(.object(args)).map { FieldFailure(path: Self.dotted("args", pointer: $0.instanceLocation), message: $0.message) }
    }

    /// `$ref`/`$dynamicRef` values that point outside the schema: not a fragment (`#/$defs/x`, `#anchor`) and not
    /// an `$id` declared inside it. Such a reference could only be resolved by fetching it, which SyncBridge never
    /// does, so it would fail every run's validation.
    static func unresolvableReferences(in schema: JSONValue) -> [(pointer: String, reference: String)] {
        var ids: Set<String> = []
        var references: [(pointer: String, reference: String)] = []
        func walk(_ value: JSONValue, _ pointer: String) {
            switch value {
            case .object(let members):
                for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                    let escaped = key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
                    if case .string(let s) = member {
                        if key == "$id" { ids.insert(s.split(separator: "#", omittingEmptySubsequences: false).first.map(String.init) ?? s) }
                        if key == "$ref" || key == "$dynamicRef" { references.append((pointer + "/" + escaped, s)) }
                    }
                    walk(member, pointer + "/" + escaped)
                }
            case .array(let items):
                for (i, item) in items.enumerated() { walk(item, pointer + "/\(i)") }
            default: break
            }
        }
        walk(schema, "")
        return references.filter { r in
            if r.reference.hasPrefix("#") { return false }
            let target = r.reference.split(separator: "#", omittingEmptySubsequences: false).first.map(String.init) ?? r.reference
            return !ids.contains { id in id == target || id.hasSuffix("/" + target) || target.hasSuffix("/" + id) }
        }
    }

    /// `args` + `/a/0/b` → `args.a[0].b`.
    static func dotted(_ root: String, pointer: String) -> String {
        var out = root
        for token in pointer.split(separator: "/", omittingEmptySubsequences: true) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let i = Int(key), String(i) == key { out += "[\(i)]" } else { out += ".\(key)" }
        }
        return out
    }
}
