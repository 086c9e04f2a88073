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
