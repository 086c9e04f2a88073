import Foundation

/// A plan: which resources to fetch from an integration, in what dependency order, with which arguments.
public struct SyncJob: Resource, Equatable {
    public static let resourceName = "sync-job"

    public var id: UUID
    public var environmentId: UUID
    /// A name for people.
    public var label: String?
    /// The integration the job is for (`zendesk`).
    public var integrationName: String
    /// The steps, in declaration order.
    public var resources: [SyncJobResource]
    /// The schema run `args` must satisfy: a full JSON Schema or the shorthand map of property → schema.
    public var argsSchema: JSONValue?
    /// Provider requests a run of this job may have in flight at once ahead of its walk (1…64; an extension of
    /// Truto's shape); the engine's setting (default 8) is the ceiling. `nil`: the engine's setting.
    public var concurrency: Int?
    public var createdAt: Date
    public var updatedAt: Date

    /// Creates a job.
    public init(
        id: UUID = UUID(), environmentId: UUID, label: String?, integrationName: String, resources: [SyncJobResource],
        argsSchema: JSONValue?, concurrency: Int? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.environmentId = environmentId
        self.label = label
        self.integrationName = integrationName
        self.resources = resources
        self.argsSchema = argsSchema
        self.concurrency = concurrency
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The accepted range of ``concurrency``.
    public static let concurrencyRange = 1...64

    public var stored: JSONValue {
        var members: [String: JSONValue] = [
            "label": label.json,
            "integration_name": .string(integrationName),
            "resources": .array(resources.map(\.json)),
            "args_schema": argsSchema ?? .null,
        ]
        if let concurrency { members["concurrency"] = .number(Double(concurrency)) }
        return .object(commonMembers.merging(members))
    }

    public var apiJSON: JSONValue { stored }

    public init(stored: JSONValue) throws(SyncBridgeError) {
        self = try decodeStored("sync job", stored) { r in
            guard let c = r.common(), let name = r.string("integration_name", required: true),
                let items = r.array("resources", required: true)
            else { return nil }
            var resources: [SyncJobResource] = []
            for (i, item) in items.enumerated() {
                guard let step = SyncJobResource(reading: FieldReader(item, path: "resources[\(i)]", failures: r.failures)) else {
                    return nil
                }
                resources.append(step)
            }
            let schema = r.present("args_schema")
            return SyncJob(
                id: c.id, environmentId: c.environmentId, label: r.string("label", nonEmpty: false), integrationName: name,
                resources: resources, argsSchema: schema, concurrency: r.int("concurrency"), createdAt: c.createdAt, updatedAt: c.updatedAt
            )
        }
    }
}
