import JSONCore

/// The outcome of evaluating one (sub)schema: its errors, and the annotations `unevaluated*` needs — which
/// properties and items were evaluated successfully.
struct EvalResult {
    var errors: [ValidationError] = []
    var properties: Set<String> = []
    var items: Set<Int> = []

    var isValid: Bool { errors.isEmpty }

    /// Takes a subschema's result: its errors always, its annotations only when it passed.
    mutating func absorb(_ other: EvalResult) {
        errors += other.errors
        if other.isValid {
            properties.formUnion(other.properties)
            items.formUnion(other.items)
        }
    }

    /// Takes only the annotations of a passing subschema (for anyOf/oneOf, whose failing branches' errors are
    /// reported in summary).
    mutating func absorbAnnotations(_ other: EvalResult) {
        guard other.isValid else { return }
        properties.formUnion(other.properties)
        items.formUnion(other.items)
    }
}

/// One validation run: walks schema and instance together.
final class Evaluation {
    let validator: JSONSchemaValidator
    private var depth = 0
    static let maximumDepth = 256

    /// When the validation's regex matching must stop (``JSONSchemaValidator/Options/regexBudget``).
    let regexDeadline: ContinuousClock.Instant

    init(validator: JSONSchemaValidator) {
        self.validator = validator
        self.regexDeadline = .now + validator.options.regexBudget
    }

    /// Whether `pattern` matches `text`, within the validation's regex budget.
    func match(_ pattern: String, _ text: String) -> RegexCache.Outcome {
        validator.regexes.match(pattern, text, deadline: regexDeadline)
    }

    func error(_ instancePath: String, _ keywordPath: String, _ message: String) -> ValidationError {
        ValidationError(instanceLocation: instancePath, keywordLocation: keywordPath, message: message)
    }

    func evaluate(_ node: SchemaNode, _ instance: JSONValue, instancePath: String, keywordPath: String, scope: [String]) -> EvalResult {
        switch node.schema {
        case .bool(true):
            return EvalResult()
        case .bool(false):
            return EvalResult(errors: [error(instancePath, keywordPath, "no value is allowed here")])
        case .object(let o):
            let node = Self.entering(node, o)
            depth += 1
            defer { depth -= 1 }
            guard depth < Self.maximumDepth else {
                return EvalResult(errors: [error(instancePath, keywordPath, "schema references nest too deeply (a $ref loop?)")])
            }
            var scope = scope
            if scope.last != node.base.description { scope.append(node.base.description) }
            return evaluateObject(o, node: node, instance, instancePath: instancePath, keywordPath: keywordPath, scope: scope)
        default:
            return EvalResult()
        }
    }

    /// A subschema that declares `$id` (or `$schema`) starts a new resource: references inside it resolve against it.
    static func entering(_ node: SchemaNode, _ o: [String: JSONValue]) -> SchemaNode {
        var draft = node.draft
        if case .string(let s)? = o["$schema"], let d = SchemaDraft(schemaURI: s) { draft = d }
        guard case .string(let id)? = o["$id"], !(draft == .draft7 && (o["$ref"] != nil || id.hasPrefix("#"))) else {
            return draft == node.draft ? node : SchemaNode(schema: node.schema, base: node.base, draft: draft)
        }
        return SchemaNode(schema: node.schema, base: URIReference(id).resolved(against: node.base).withoutFragment, draft: draft)
    }

    private func evaluateObject(
        _ o: [String: JSONValue], node: SchemaNode, _ instance: JSONValue, instancePath: String, keywordPath: String, scope: [String]
    ) -> EvalResult {
        var result = EvalResult()
        let draft7 = node.draft == .draft7
        if case .string(let ref)? = o["$ref"] {
            result.absorb(
                followRef(ref, dynamic: false, from: node, instance, instancePath: instancePath, keywordPath: keywordPath + "/$ref", scope: scope))
            if draft7 { return result }
        }
        if !draft7, case .string(let ref)? = o["$dynamicRef"] {
            result.absorb(
                followRef(
                    ref, dynamic: true, from: node, instance, instancePath: instancePath, keywordPath: keywordPath + "/$dynamicRef", scope: scope))
        }
        let context = Context(node: node, instancePath: instancePath, keywordPath: keywordPath, scope: scope)
        if validator.uses("validation") {
            assertions(o, instance, context, into: &result)
        }
        if validator.uses("applicator") {
            applicators(o, instance, context, into: &result)
        }
        if case .string(let format)? = o["format"], validator.assertsFormats, let message = Formats.check(format, instance) {
            result.errors.append(error(instancePath, keywordPath + "/format", message))
        }
        if !draft7 && validator.uses("unevaluated") {
            unevaluated(o, instance, context, into: &result)
        }
        return result
    }

    /// Where an evaluation is: the node, both locations, and the dynamic scope.
    struct Context {
        let node: SchemaNode
        let instancePath: String
        let keywordPath: String
        let scope: [String]

        func keyword(_ k: String) -> String { keywordPath + "/" + k }
        func child(_ key: String) -> String { instancePath + "/" + SchemaIndex.escape(key) }
        func child(_ index: Int) -> String { instancePath + "/\(index)" }
    }

    /// Evaluates a subschema found at `keyword…` within the current schema.
    func sub(_ schema: JSONValue, _ context: Context, _ instance: JSONValue, keyword: String, instancePath: String) -> EvalResult {
        evaluate(
            SchemaNode(schema: schema, base: context.node.base, draft: context.node.draft), instance, instancePath: instancePath,
            keywordPath: context.keywordPath + "/" + keyword, scope: context.scope
        )
    }

    private func followRef(
        _ ref: String, dynamic: Bool, from node: SchemaNode, _ instance: JSONValue, instancePath: String, keywordPath: String,
        scope: [String]
    ) -> EvalResult {
        let uri = URIReference(ref).resolved(against: node.base)
        guard var target = validator.index.node(for: uri) else {
            return EvalResult(errors: [error(instancePath, keywordPath, "cannot resolve reference '\(ref)'")])
        }
        if dynamic, let anchor = uri.fragment, !anchor.isEmpty, !anchor.hasPrefix("/"),
            case .string(let declared)? = target.schema["$dynamicAnchor"], declared == anchor
        {
            // The outermost resource in the dynamic scope that declares the anchor wins.
            for base in scope where validator.index.dynamicAnchors[base]?.contains(anchor) == true {
                if let outer = validator.index.node(for: URIReference(base + "#" + anchor)) {
                    target = outer
                    break
                }
            }
        }
        return evaluate(target, instance, instancePath: instancePath, keywordPath: keywordPath, scope: scope)
    }
}
