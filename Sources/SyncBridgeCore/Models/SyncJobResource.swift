/// One step of a sync job: which resource to fetch, how, and from what.
public struct SyncJobResource: Sendable, Equatable {
    /// A unified name (`ticketing/tickets`) or a proxy name (`tickets`).
    public var resource: String
    /// `list`, `get`, or (proxy resources) a read-like custom method.
    public var method: String
    /// The record id for `get` (may hold placeholders).
    public var id: JSONValue?
    /// Query parameters: an object (placeholders allowed) or a JSONata expression string.
    public var query: JSONValue?
    /// A request body for custom methods (placeholders allowed).
    public var body: JSONValue?
    /// A placeholder naming an array: one request per element.
    public var loopOn: String?
    /// The resource whose records drive this one (one request per parent record).
    public var dependsOn: String?
    /// False: fetch (for dependents) but do not deliver.
    public var persist: Bool?

    /// Creates a resource step.
    public init(
        resource: String, method: String, id: JSONValue? = nil, query: JSONValue? = nil, body: JSONValue? = nil,
        loopOn: String? = nil, dependsOn: String? = nil, persist: Bool? = nil
    ) {
        self.resource = resource
        self.method = method
        self.id = id
        self.query = query
        self.body = body
        self.loopOn = loopOn
        self.dependsOn = dependsOn
        self.persist = persist
    }

    /// True for unified resources (`api/resource`), false for proxy resources.
    public var isUnified: Bool { resource.contains("/") }

    /// The members accepted in a request.
    public static let fields: Set<String> = ["resource", "method", "id", "query", "body", "loop_on", "depends_on", "persist"]

    /// The JSON form (absent members omitted).
    public var json: JSONValue {
        var o: [String: JSONValue] = ["resource": .string(resource), "method": .string(method)]
        if let id { o["id"] = id }
        if let query { o["query"] = query }
        if let body { o["body"] = body }
        if let loopOn { o["loop_on"] = .string(loopOn) }
        if let dependsOn { o["depends_on"] = .string(dependsOn) }
        if let persist { o["persist"] = .bool(persist) }
        return .object(o)
    }

    /// Reads a resource step, recording failures under the reader's path; `nil` when required members are missing.
    public init?(reading r: FieldReader) {
        r.rejectUnknown(Self.fields)
        let resource = r.string("resource", required: true)
        let method = r.string("method", required: true)
        if let id = r.value("id"), !id.isNull {
            switch id {
            case .string, .number: break
            default: r.failures.add(r.path("id"), "must be a string or a number")
            }
        }
        if let query = r.value("query"), !query.isNull {
            switch query {
            case .object, .string: break
            default: r.failures.add(r.path("query"), "must be an object or a JSONata expression string")
            }
        }
        let loopOn = r.string("loop_on")
        let dependsOn = r.string("depends_on")
        let persist = r.bool("persist")
        guard let resource, let method else { return nil }
        self.init(
            resource: resource, method: method, id: r.present("id"),
            query: r.present("query"), body: r.present("body"),
            loopOn: loopOn, dependsOn: dependsOn, persist: persist
        )
    }
}
