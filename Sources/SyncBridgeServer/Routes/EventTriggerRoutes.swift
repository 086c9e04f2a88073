import Connectors
import Foundation
import Hummingbird
import Runs
import Storage
import SyncBridgeCore

/// `/sync-job-event-trigger`: run a job for every account of its integration that becomes active or submits its
/// post-connect form. Members: `sync_job_id`, `webhook_id`, `event`, and a run's `args`, `error_handling`,
/// `ignore_previous_run`; `status` active | paused.
struct EventTriggerRoutes {
    let api: APIServices

    static let fields: Set<String> = ["sync_job_id", "webhook_id", "event", "args", "error_handling", "ignore_previous_run", "status"]

    func register(_ r: RouteRegistrar) {
        r.add(.post, "/sync-job-event-trigger") { request, context in try await create(request, context) }
        r.add(.get, "/sync-job-event-trigger") { request, context in try await api.list(SyncJobEventTrigger.self, request, context) }
        r.add(.get, "/sync-job-event-trigger/:id") { _, context in try await api.get(SyncJobEventTrigger.self, context) }
        r.add(.patch, "/sync-job-event-trigger/:id") { request, context in try await update(request, context) }
        r.add(.delete, "/sync-job-event-trigger/:id") { _, context in try await delete(context) }
    }

    struct Input {
        var job: UUID?, webhook: UUID?, event: EventType?, args: [String: JSONValue]?, handling: ErrorHandling?, ignore: Bool?
        var status: SyncJobEventTrigger.Status?

        init(_ reader: FieldReader, creating: Bool) {
            job = reader.uuid("sync_job_id", required: creating)
            webhook = reader.uuid("webhook_id", required: creating)
            event = reader.oneOf("event", SyncJobEventTrigger.events.map(\.rawValue), required: creating).flatMap(EventType.init(rawValue:))
            args = reader.object("args")
            handling = reader.oneOf("error_handling", ErrorHandling.allCases.map(\.rawValue)).flatMap(ErrorHandling.init(rawValue:))
            ignore = reader.bool("ignore_previous_run")
            status = reader.oneOf("status", SyncJobEventTrigger.Status.allCases.map(\.rawValue)).flatMap(SyncJobEventTrigger.Status.init(rawValue:))
        }

        func apply(to t: inout SyncJobEventTrigger) {
            if let job { t.syncJobId = job }
            if let webhook { t.webhookId = webhook }
            if let event { t.event = event }
            if let args { t.args = args }
            if let handling { t.errorHandling = handling }
            if let ignore { t.ignorePreviousRun = ignore }
            if let status { t.status = status }
        }
    }

    /// What the trigger's runs would point at must be valid, as for a run (``RunReferences``), but for the account:
    /// each run takes the account its event is about.
    static func check(_ t: SyncJobEventTrigger, session: any StoreSession, connectors: IntegrationRegistry) async throws {
        let settings = t.settings(for: UUID())
        try await RunReferences.check(settings, environmentId: t.environmentId, session: session, connectors: connectors, checkingAccount: false)
            .throwIfInvalid()
    }

    func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let input = try await api.input(request, fields: Self.fields) { Input($0, creating: true) }
        guard let job = input.job, let webhook = input.webhook, let event = input.event else { throw SyncBridgeError.incompleteBody }
        let now = api.now
        var trigger = SyncJobEventTrigger(environmentId: env, syncJobId: job, webhookId: webhook, event: event, createdAt: now, updatedAt: now)
        input.apply(to: &trigger)
        let created = trigger
        try await api.store.transaction { session in
            try await Self.check(created, session: session, connectors: api.connectors)
            try await session.insert(created)
        }
        return JSONResponse.make(created.apiJSON, status: .created)
    }

    func update(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobEventTrigger.self)
        let failures = FailureCollector()
        let reader = FieldReader(try await api.body(request), failures: failures)
        reader.rejectUnknown(Self.fields)
        reader.refuseNulls()
        let input = Input(reader, creating: false)
        try failures.throwIfAny()
        let now = api.now
        let trigger = try await api.store.transaction { session in
            var trigger = try await session.require(SyncJobEventTrigger.self, id: id, environmentId: env, forUpdate: true)
            input.apply(to: &trigger)
            trigger.updatedAt = now
            try await Self.check(trigger, session: session, connectors: api.connectors)
            try await session.update(trigger)
            return trigger
        }
        return JSONResponse.make(trigger.apiJSON)
    }

    func delete(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobEventTrigger.self)
        let deleted = try await api.store.transaction { try await $0.delete(SyncJobEventTrigger.self, id: id, environmentId: env) }
        guard deleted else { throw SyncBridgeError.notFound(SyncJobEventTrigger.resourceName, id: id.lowercased) }
        return JSONResponse.deleted(id.lowercased)
    }
}
