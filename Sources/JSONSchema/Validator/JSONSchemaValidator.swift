import Foundation
import JSONCore

/// Validates JSON values against a JSON Schema (draft 2020-12 by default, draft-07 when `$schema` says so).
///
/// Compile once, validate many: a validator is an immutable value, safe to share across tasks. References are
/// resolved against the schema itself, the bundled meta-schemas and the `remotes` given at creation; nothing is
/// fetched from the network.
public struct JSONSchemaValidator: Sendable {
    /// Behaviour switches.
    public struct Options: Sendable {
        /// Treat `format` as an assertion (true) or only an annotation (false, the 2020-12 default).
        public var formatAssertion: Bool
        /// The draft of schemas without `$schema`.
        public var defaultDraft: SchemaDraft

        /// Creates options.
        /// How long after a validation starts its `pattern` and `patternProperties` regexes may still be matched; a
        /// match still going then fails validation, so a catastrophic pattern cannot wedge the caller.
        public var regexBudget: Duration = .seconds(1)

        public init(formatAssertion: Bool = true, defaultDraft: SchemaDraft = .draft2020_12) {
            self.formatAssertion = formatAssertion
            self.defaultDraft = defaultDraft
        }
    }

    let root: SchemaNode
    let index: SchemaIndex
    let options: Options
    let vocabularies: Set<String>?
    let regexes: RegexCache

    /// The base URI given to a root schema without `$id`.
    static let defaultBase = "urn:syncbridge:schema:root"

    /// Compiles a schema.
    /// - Parameters:
    ///   - schema: the schema (object or boolean).
    ///   - remotes: other documents by URI, for `$ref`s that point outside the schema.
    /// - Throws: ``SchemaError`` when the schema is not an object or a boolean, or uses an invalid regular expression.
    public init(schema: JSONValue, options: Options = Options(), remotes: [String: JSONValue] = [:]) throws(SchemaError) {
        switch schema {
        case .object, .bool: break
        default: throw SchemaError(keywordLocation: "", message: "a schema must be an object or a boolean")
        }
        var index = SchemaIndex()
        for (uri, document) in Metaschemas.all {
            index.add(document, uri: uri, defaultDraft: .draft2020_12)
        }
        for (uri, document) in remotes {
            index.add(document, uri: uri, defaultDraft: options.defaultDraft)
        }
        // The root is retrieved from the default base; its own `$id`, if any, is applied on entry like any other.
        index.add(schema, uri: Self.defaultBase, defaultDraft: options.defaultDraft)
        guard let root = index.node(for: URIReference(Self.defaultBase)) else {
            throw SchemaError(keywordLocation: "", message: "schema could not be indexed")
        }
        self.root = root
        self.index = index
        self.options = options
        self.regexes = RegexCache()
        // A custom meta-schema's $vocabulary decides which keywords apply.
        if case .string(let metaURI)? = schema["$schema"], SchemaDraft(schemaURI: metaURI) == nil,
            let meta = index.node(for: URIReference(metaURI)), case .object(let vocab)? = meta.schema["$vocabulary"]
        {
            vocabularies = Set(vocab.keys)
        } else {
            vocabularies = nil
        }
        try Self.checkPatterns(schema, at: "", regexes: regexes)
    }

    /// Every way `instance` fails the schema; empty when it is valid.
    public func validate(_ instance: JSONValue) -> [ValidationError] {
        let evaluation = Evaluation(validator: self)
        let result = evaluation.evaluate(root, instance, instancePath: "", keywordPath: "", scope: [root.base.description])
        return result.errors
    }

    /// True when `instance` satisfies the schema.
    public func isValid(_ instance: JSONValue) -> Bool { validate(instance).isEmpty }

    /// Format assertions are on when asked for, or when a custom meta-schema enables the format-assertion vocabulary.
    var assertsFormats: Bool {
        if let vocabularies, vocabularies.contains("https://json-schema.org/draft/2020-12/vocab/format-assertion") { return true }
        return options.formatAssertion
    }

    /// True when keywords of `vocabulary` apply (always, unless a custom meta-schema leaves it out).
    func uses(_ vocabulary: String) -> Bool {
        guard let vocabularies else { return true }
        return vocabularies.contains("https://json-schema.org/draft/2020-12/vocab/\(vocabulary)")
    }

    static func checkPatterns(_ schema: JSONValue, at path: String, regexes: RegexCache) throws(SchemaError) {
        guard case .object(let o) = schema else { return }
        if case .string(let p)? = o["pattern"], regexes.regex(p) == nil {
            throw SchemaError(keywordLocation: path + "/pattern", message: "'\(p)' is not a valid regular expression")
        }
        if case .object(let props)? = o["patternProperties"] {
            for key in props.keys where regexes.regex(key) == nil {
                throw SchemaError(keywordLocation: path + "/patternProperties", message: "'\(key)' is not a valid regular expression")
            }
        }
        for (key, child) in o {
            let here = path + "/" + SchemaIndex.escape(key)
            if SchemaIndex.schemaMapKeywords.contains(key), case .object(let map) = child {
                for (name, sub) in map { try checkPatterns(sub, at: here + "/" + SchemaIndex.escape(name), regexes: regexes) }
            } else if SchemaIndex.schemaArrayKeywords.contains(key), case .array(let items) = child {
                for (i, sub) in items.enumerated() { try checkPatterns(sub, at: here + "/\(i)", regexes: regexes) }
            } else if SchemaIndex.schemaKeywords.contains(key) {
                try checkPatterns(child, at: here, regexes: regexes)
            }
        }
    }
}
