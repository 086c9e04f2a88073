import Connectors
import Foundation
import Hummingbird
import Storage
import SyncBridgeCore

/// `/sync-job`: what to sync. Resources are validated on every write (dependencies, cycles, methods, placeholders).
struct SyncJobRoutes {
    let api: APIServices

    static let fields: Set<String> = ["label", "integration_name", "resources", "args_schema", "concurrency"]

    func register(_ r: RouteRegistrar) {
        r.add(.post, "/sync-job") { request, context in try await create(request, context) }
        r.add(.get, "/sync-job") { request, context in try await api.list(SyncJob.self, request, context) }
        r.add(.get, "/sync-job/:id") { _, context in try await api.get(SyncJob.self, context) }
        r.add(.patch, "/sync-job/:id") { request, context in try await update(request, context) }
        r.add(.delete, "/sync-job/:id") { _, context in try await delete(context) }
    }

    /// The members of a create or update request, each `nil` when absent.
    struct Input {
        var label: String??
        var integrationName: String?
        var resources: [SyncJobResource]?
        var argsSchema: JSONValue??
        var concurrency: Int??
    }

    func read(_ body: JSONValue, creating: Bool) throws -> Input {
        let failures = FailureCollector()
        let reader = FieldReader(body, failures: failures)
        reader.rejectUnknown(Self.fields)
        reader.refuseNulls(except: ["label", "args_schema", "concurrency"])
        var input = Input()
        if reader.has("label") { input.label = .some(reader.string("label", nonEmpty: false)) }
        input.integrationName = reader.string("integration_name", required: creating)
        if let name = input.integrationName, api.connectors.descriptor(for: name) == nil {
            failures.add("integration_name", "'\(name)' is not a supported integration (supported: \(api.connectors.names.joined(separator: ", ")))")
        }
        if let items = reader.array("resources", required: creating) {
            var resources: [SyncJobResource] = []
            var complete = true
            for (i, item) in items.enumerated() {
                let itemReader = FieldReader(item, path: "resources[\(i)]", failures: failures)
                itemReader.refuseNulls(except: ["body"])
                if let step = SyncJobResource(reading: itemReader) {
                    resources.append(step)
                } else {
                    complete = false
                }
            }
            if complete {
                SyncJobValidator().validate(resources, failures: failures)
                input.resources = resources
            }
        }
        if let value = reader.value("concurrency") {
            if value.isNull {
                input.concurrency = .some(nil)
            } else if let n = reader.int("concurrency") {
                if SyncJob.concurrencyRange.contains(n) {
                    input.concurrency = .some(n)
                } else {
                    failures.add("concurrency", "must be an integer from 1 to 64 (requests in flight at once; the engine's setting is the ceiling)")
                }
            }
        }
        if let schema = reader.value("args_schema") {
            switch schema {
            case .null: input.argsSchema = .some(nil)
            case .object:
                do {
                    _ = try ArgsSchema(schema)
                    input.argsSchema = .some(schema)
                } catch {
                    for f in error.failures { failures.add(f.path, f.message) }
                }
            default: failures.add("args_schema", "must be an object (a JSON Schema, or a map of argument name to schema)")
            }
        }
        try failures.throwIfAny()
        return input
    }

    /// Every resource must be one the integration's connector offers (422 naming `resources[i].resource`), so a
    /// typo fails at write time instead of in every run.
    func checkResourcesExist(_ resources: [SyncJobResource], integration: String) throws {
        guard let connector = api.connectors.connector(for: integration) else { return }
        let known = Set(connector.resources)
        let failures = FailureCollector()
        for (i, r) in resources.enumerated() where !known.contains(r.resource) {
            failures.add(
                "resources[\(i)].resource",
                "'\(r.resource)' is not a resource of \(integration) (known: \(connector.resources.joined(separator: ", ")))"
            )
        }
        try failures.throwIfAny()
    }

    func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let input = try read(try await api.body(request), creating: true)
        guard let name = input.integrationName, let resources = input.resources else { throw SyncBridgeError.incompleteBody }
        try checkResourcesExist(resources, integration: name)
        let now = api.now
        let job = SyncJob(
            environmentId: env, label: input.label ?? nil, integrationName: name, resources: resources,
            argsSchema: input.argsSchema ?? nil, concurrency: input.concurrency ?? nil, createdAt: now, updatedAt: now
        )
        try await api.store.transaction { try await $0.insert(job) }
        return JSONResponse.make(job.apiJSON, status: .created)
    }

    func update(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJob.self)
        let input = try read(try await api.body(request), creating: false)
        let now = api.now
        let job = try await api.store.transaction { session in
            var job = try await session.require(SyncJob.self, id: id, environmentId: env, forUpdate: true)
            if input.resources != nil || input.integrationName != nil {
                try checkResourcesExist(input.resources ?? job.resources, integration: input.integrationName ?? job.integrationName)
            }
            if let label = input.label { job.label = label }
            if let name = input.integrationName { job.integrationName = name }
            if let resources = input.resources { job.resources = resources }
            if let schema = input.argsSchema { job.argsSchema = schema }
            if let concurrency = input.concurrency { job.concurrency = concurrency }
            job.updatedAt = now
            try await session.update(job)
            return job
        }
        return JSONResponse.make(job.apiJSON)
    }

    func delete(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJob.self)
        try await api.store.transaction { session in
            _ = try await session.require(SyncJob.self, id: id, environmentId: env, forUpdate: true)
            try await InUseCheck.ensureUnused(
                column: "sync_job_id", id: id, environmentId: env, session: session, code: "sync_job_in_use", noun: "Sync job"
            )
            _ = try await session.delete(SyncJob.self, id: id, environmentId: env)
        }
        return JSONResponse.deleted(id.lowercased)
    }
}
