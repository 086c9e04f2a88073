import Foundation
import JSONCore

/// A schema (or subschema) together with what is needed to evaluate it: the base URI its references resolve
/// against and the draft it is written in.
struct SchemaNode: Sendable {
    let schema: JSONValue
    let base: URIReference
    let draft: SchemaDraft
}

/// Every schema resource known to a validator, indexed by absolute URI: resource roots (`$id`), JSON-pointer
/// locations (`base#/properties/a`), and anchors (`base#name`).
struct SchemaIndex: Sendable {
    private(set) var nodes: [String: SchemaNode] = [:]
    /// Resource roots by base URI, for JSON-pointer lookups into keywords the walk does not know.
    private(set) var roots: [String: SchemaNode] = [:]
    /// `$dynamicAnchor` names declared by each resource.
    private(set) var dynamicAnchors: [String: Set<String>] = [:]

    /// Keywords whose value is a schema.
    static let schemaKeywords: Set<String> = [
        "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains", "unevaluatedItems",
        "unevaluatedProperties", "additionalItems", "items",
    ]
    /// Keywords whose value is an array of schemas.
    static let schemaArrayKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems", "items"]
    /// Keywords whose value is an object of schemas.
    static let schemaMapKeywords: Set<String> = [
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies",
    ]

    /// Adds a document retrieved from (or identified by) `uri`.
    mutating func add(_ document: JSONValue, uri: String, defaultDraft: SchemaDraft) {
        var draft = defaultDraft
        if case .string(let s)? = document["$schema"], let d = SchemaDraft(schemaURI: s) { draft = d }
        let base = URIReference(uri).withoutFragment
        let node = SchemaNode(schema: document, base: base, draft: draft)
        nodes[base.description] = node
        roots[base.description] = node
        walk(document, base: base, paths: [(base.description, "")], draft: draft)
    }

    func node(for uri: URIReference) -> SchemaNode? {
        if let n = nodes[uri.description] { return n }
        let withoutFragment = uri.withoutFragment
        if uri.fragment == nil || uri.fragment == "" { return nodes[withoutFragment.description] ?? nodes[withoutFragment.description + "#"] }
        // A pointer into a place the walk did not index (inside an unknown keyword): follow it through the JSON.
        guard let fragment = uri.fragment, fragment.hasPrefix("/"),
            let root = roots[withoutFragment.description] ?? nodes[withoutFragment.description]
        else { return nil }
        var current = root.schema
        for token in fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let key = Self.unescape(token)
            switch current {
            case .object(let o):
                guard let next = o[key] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(key), a.indices.contains(i) else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return SchemaNode(schema: current, base: withoutFragment, draft: root.draft)
    }

    static func unescape(_ token: Substring) -> String {
        let decoded = String(token).removingPercentEncodingLite()
        return decoded.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// Indexes `value` and its subschemas. A node is registered under the JSON pointer of every enclosing resource
    /// (`paths`), and stored with the base URI *outside* its own `$id`: evaluation applies the `$id` when it enters.
    private mutating func walk(_ value: JSONValue, base: URIReference, paths: [(resource: String, pointer: String)], draft: SchemaDraft) {
        var childBase = base
        var paths = paths
        var draft = draft
        if case .object(let o) = value {
            if case .string(let s)? = o["$schema"], let d = SchemaDraft(schemaURI: s) { draft = d }
            let node = SchemaNode(schema: value, base: base, draft: draft)
            let refHidesSiblings = draft == .draft7 && o["$ref"] != nil
            if case .string(let id)? = o["$id"], !refHidesSiblings {
                if draft == .draft7 && id.hasPrefix("#") {
                    nodes[base.description + id] = node
                } else {
                    let resolved = URIReference(id).resolved(against: base)
                    childBase = resolved.withoutFragment
                    let resource = childBase.description
                    nodes[resource] = node
                    roots[resource] = node
                    paths.append((resource, ""))
                    if let f = resolved.fragment, !f.isEmpty, draft == .draft7 { nodes[resource + "#" + f] = node }
                }
            }
            for (resource, pointer) in paths { nodes[resource + "#" + pointer] = node }
            if case .string(let anchor)? = o["$anchor"] { nodes[childBase.description + "#" + anchor] = node }
            if case .string(let anchor)? = o["$dynamicAnchor"] {
                nodes[childBase.description + "#" + anchor] = node
                dynamicAnchors[childBase.description, default: []].insert(anchor)
            }
            func descend(_ child: JSONValue, _ suffix: String) {
                walk(child, base: childBase, paths: paths.map { ($0.resource, $0.pointer + suffix) }, draft: draft)
            }
            for (key, child) in o {
                let k = "/" + Self.escape(key)
                if Self.schemaMapKeywords.contains(key), case .object(let map) = child {
                    for (name, sub) in map { descend(sub, k + "/" + Self.escape(name)) }
                } else if Self.schemaArrayKeywords.contains(key), case .array(let items) = child {
                    for (i, sub) in items.enumerated() { descend(sub, k + "/\(i)") }
                } else if Self.schemaKeywords.contains(key) {
                    descend(child, k)
                }
            }
        } else if case .bool = value {
            for (resource, pointer) in paths { nodes[resource + "#" + pointer] = SchemaNode(schema: value, base: base, draft: draft) }
        }
    }
}

extension String {
    /// Percent-decoding without Foundation (`%25` → `%`); invalid sequences are left as they are.
    func removingPercentEncodingLite() -> String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        let utf8 = Array(self.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "%"), i + 2 < utf8.count, let h = UInt8(String(decoding: utf8[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(h)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
