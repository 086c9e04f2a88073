import Foundation
import Hummingbird
import Runs
import Storage
import SyncBridgeCore

/// `/sync-job-cron-trigger`: runs a job on a schedule. Same members as a run, plus `cron_expression` (and an optional
/// IANA `timezone`, UTC by default).
struct CronTriggerRoutes {
    let api: APIServices

    static let fields = RunSettings.fields.union(["cron_expression", "timezone", "overlap"])

    func register(_ r: RouteRegistrar) {
        r.add(.post, "/sync-job-cron-trigger") { request, context in try await create(request, context) }
        r.add(.get, "/sync-job-cron-trigger") { request, context in try await api.list(SyncJobCronTrigger.self, request, context) }
        r.add(.get, "/sync-job-cron-trigger/:id") { _, context in try await api.get(SyncJobCronTrigger.self, context) }
        r.add(.patch, "/sync-job-cron-trigger/:id") { request, context in try await update(request, context) }
        r.add(.delete, "/sync-job-cron-trigger/:id") { _, context in try await delete(context) }
        r.add(.post, "/sync-job-cron-trigger/:id/schedule") { _, context in try await schedule(context) }
        r.add(.get, "/sync-job-cron-trigger/:id/fires") { _, context in try await fires(context) }
    }

    /// The trigger's recent fires (newest first): the slot, whether a run was created or why not.
    func fires(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobCronTrigger.self)
        let fires = try await api.store.transaction { session in
            _ = try await session.require(SyncJobCronTrigger.self, id: id, environmentId: env)
            return try await session.fires(triggerId: id, limit: 100)
        }
        return JSONResponse.make(["result": .array(fires.map(\.apiJSON))])
    }

    func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let (settings, expression, timezone, overlap, schedule) = try await api.input(
            request, fields: Self.fields, nullable: ["destination", "timezone"]
        ) {
            reader -> (RunSettings, String, String?, SyncJobCronTrigger.Overlap?, CronSchedule?)? in
            let settings = RunSettings(reading: reader)
            let expression = reader.string("cron_expression", required: true)
            let timezone = reader.string("timezone")
            let overlap = reader.oneOf("overlap", SyncJobCronTrigger.Overlap.allCases.map(\.rawValue)).flatMap(
                SyncJobCronTrigger.Overlap.init(rawValue:))
            let schedule = CronSchedule.read(expression: expression, timezone: timezone, failures: reader.failures)
            guard let settings, let expression else { return nil }
            return (settings, expression, timezone, overlap, schedule)
        }
        let now = api.now
        let trigger = try await api.store.transaction { session in
            try await RunReferences.check(settings, environmentId: env, session: session, connectors: api.connectors).throwIfInvalid()
            let trigger = SyncJobCronTrigger(
                environmentId: env, settings: settings, cronExpression: expression, timezone: timezone, overlap: overlap ?? .skip,
                nextFireAt: schedule?.next(after: now), createdAt: now, updatedAt: now
            )
            try await session.insert(trigger)
            return trigger
        }
        return JSONResponse.make(trigger.apiJSON, status: .created)
    }

    /// Changes the members given; every run-setting member a create accepts can be changed (the stored settings with
    /// the given members laid over them are read again as a whole, so a change is validated as a create is).
    func update(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobCronTrigger.self)
        let body = try await api.body(request)
        let failures = FailureCollector()
        let reader = FieldReader(body, failures: failures)
        reader.rejectUnknown(Self.fields)
        reader.refuseNulls(except: ["destination", "timezone"])
        let expression = reader.string("cron_expression")
        let timezone = reader.string("timezone")
        let overlap = reader.oneOf("overlap", SyncJobCronTrigger.Overlap.allCases.map(\.rawValue)).flatMap(SyncJobCronTrigger.Overlap.init(rawValue:))
        try failures.throwIfAny()
        let now = api.now
        let trigger = try await api.store.transaction { session in
            var trigger = try await session.require(SyncJobCronTrigger.self, id: id, environmentId: env, forUpdate: true)
            var members = trigger.settings.members
            for key in RunSettings.fields { if let value = body[key] { members[key] = value } }
            let check = FailureCollector()
            guard let settings = RunSettings(reading: FieldReader(.object(members), failures: check)) else {
                try check.throwIfAny()
                return trigger
            }
            try check.throwIfAny()
            trigger.settings = settings
            if let expression { trigger.cronExpression = expression }
            if reader.has("timezone") { trigger.timezone = timezone }
            if let overlap { trigger.overlap = overlap }
            let schedule = CronSchedule.read(expression: trigger.cronExpression, timezone: trigger.timezone, failures: check)
            try check.throwIfAny()
            try await RunReferences.check(trigger.settings, environmentId: env, session: session, connectors: api.connectors).throwIfInvalid()
            if trigger.status == .active { trigger.nextFireAt = schedule?.next(after: now) }
            trigger.updatedAt = now
            try await session.update(trigger)
            return trigger
        }
        return JSONResponse.make(trigger.apiJSON)
    }

    func delete(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobCronTrigger.self)
        let deleted = try await api.store.transaction { try await $0.delete(SyncJobCronTrigger.self, id: id, environmentId: env) }
        guard deleted else { throw SyncBridgeError.notFound(SyncJobCronTrigger.resourceName, id: id.lowercased) }
        return JSONResponse.deleted(id.lowercased)
    }

    /// (Re)activates the trigger and computes its next fire time from now.
    func schedule(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobCronTrigger.self)
        let now = api.now
        let trigger = try await api.store.transaction { session in
            var trigger = try await session.require(SyncJobCronTrigger.self, id: id, environmentId: env, forUpdate: true)
            let check = FailureCollector()
            let schedule = CronSchedule.read(expression: trigger.cronExpression, timezone: trigger.timezone, failures: check)
            try check.throwIfAny()
            trigger.status = .active
            trigger.nextFireAt = schedule?.next(after: now)
            trigger.updatedAt = now
            try await session.update(trigger)
            return trigger
        }
        return JSONResponse.make(trigger.apiJSON)
    }
}
