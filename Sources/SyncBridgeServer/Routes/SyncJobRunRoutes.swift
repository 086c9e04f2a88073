import Foundation
import Hummingbird
import Runs
import Storage
import SyncBridgeCore

/// `/sync-job-run`: executions of a job against an account. Creating one queues it; the engine picks it up.
struct SyncJobRunRoutes {
    let api: APIServices

    func register(_ r: RouteRegistrar) {
        r.add(.post, "/sync-job-run") { request, context in try await create(request, context) }
        r.add(.get, "/sync-job-run") { request, context in try await api.list(SyncJobRun.self, request, context) }
        r.add(.get, "/sync-job-run/:id") { _, context in try await api.get(SyncJobRun.self, context) }
        r.add(.patch, "/sync-job-run/:id") { request, context in try await update(request, context) }
        r.add(.delete, "/sync-job-run/:id") { _, context in try await delete(context) }
        r.add(.post, "/sync-job-run/:id/resume") { _, context in try await resume(context) }
    }

    /// Continues a failed run from its checkpoint (the first unacknowledged page): status back to `running`, a
    /// `sync_job_run:updated` event, and the engine picks it up. Only a failed run that kept its checkpoint can resume.
    func resume(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobRun.self)
        let now = api.now
        let run = try await api.store.transaction { session in
            var run = try await session.require(SyncJobRun.self, id: id, environmentId: env, forUpdate: true)
            guard run.status == .failed else {
                throw SyncBridgeError(
                    .conflict, code: "sync_job_run_not_resumable", message: "Run is \(run.status.rawValue); only a failed run can be resumed."
                )
            }
            guard try await session.checkpoint(runId: id) != nil else {
                throw SyncBridgeError(
                    .conflict, code: "sync_job_run_not_resumable",
                    message: "Run failed before it fetched anything; create a new run instead."
                )
            }
            run.status = .running
            run.error = nil
            run.finishedAt = nil
            run.updatedAt = now
            try await session.update(run)
            let webhook = try await session.fetch(Webhook.self, id: run.settings.webhookId, environmentId: env)
            if let event = OutboxEvent.about(run, .syncJobRunUpdated, webhook: webhook, now: now) {
                try await session.enqueue([event])
            }
            return run
        }
        api.store.runQueue.signal()  // resumable now: this process's engine takes it at once
        return JSONResponse.make(run.apiJSON)
    }

    func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let settings = try await api.input(request, fields: RunSettings.fields, nullable: ["destination"]) { RunSettings(reading: $0) }
        let now = api.now
        let (factory, created) = (api.runs, settings)
        let run = try await api.store.transaction { session in
            try await factory.create(created, environmentId: env, session: session, now: now).mapError(\.apiError).get()
        }
        return JSONResponse.make(run.apiJSON, status: .created)
    }

    /// `PATCH {"status": "stopped"}` stops an unfinished run; nothing else about a run can be changed.
    func update(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobRun.self)
        let failures = FailureCollector()
        let reader = FieldReader(try await api.body(request), failures: failures)
        reader.rejectUnknown(["status"])
        reader.refuseNulls()
        let status = reader.oneOf("status", [SyncJobRun.Status.stopped.rawValue], required: true)
        try failures.throwIfAny()
        _ = status
        let now = api.now
        let run = try await api.store.transaction { session in
            var run = try await session.require(SyncJobRun.self, id: id, environmentId: env, forUpdate: true)
            guard !run.status.isFinished else {
                throw SyncBridgeError(.conflict, code: "sync_job_run_finished", message: "Run is already \(run.status.rawValue).")
            }
            run.status = .stopped
            run.error = "stopped by request"
            run.finishedAt = now
            run.updatedAt = now
            try await session.update(run)
            let webhook = try await session.fetch(Webhook.self, id: run.settings.webhookId, environmentId: env)
            if let event = OutboxEvent.about(run, .syncJobRunUpdated, webhook: webhook, now: now) {
                try await session.enqueue([event])
            }
            return run
        }
        return JSONResponse.make(run.apiJSON)
    }

    func delete(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobRun.self)
        try await api.store.transaction { session in
            let run = try await session.require(SyncJobRun.self, id: id, environmentId: env, forUpdate: true)
            guard run.status.isFinished else {
                throw SyncBridgeError(
                    .conflict, code: "sync_job_run_active", message: "Run is \(run.status.rawValue); stop it before deleting it."
                )
            }
            _ = try await session.delete(SyncJobRun.self, id: id, environmentId: env)
        }
        return JSONResponse.deleted(id.lowercased)
    }
}
