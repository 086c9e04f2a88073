import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@Suite struct SyncJobRunAPITests {
    @Test(arguments: StoreKind.available)
    func createQueuesTheRunAndEmitsCreated(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let ids = try await Fixtures.basics(api)
            let r = try await api.request(
                .POST, "/sync-job-run",
                json: Fixtures.runBody(ids, extra: ["args": ["ticket_sync_start_date": "2023-07-23T18:10:56.072Z"], "error_handling": "fail_fast"]))
            #expect(r.status == 201, "\(r.json.jsonString())")
            #expect(r.json["status"] == "created")
            #expect(r.json["error_handling"] == "fail_fast")
            #expect(r.json["ignore_previous_run"] == false)
            #expect(r.json["args"] == ["ticket_sync_start_date": "2023-07-23T18:10:56.072Z"])
            #expect(r.json["started_at"] == .null)
            #expect(r.json["resource_stats"] == [:])
            let defaults = try await api.request(.POST, "/sync-job-run", json: Fixtures.runBody(ids, extra: ["ignore_previous_run": true]))
            #expect(defaults.json["error_handling"] == "ignore")
            #expect(defaults.json["ignore_previous_run"] == true)
            let env = try #require(try await api.store.transaction { try await $0.environment(named: "default") })
            let events = try await api.store.transaction { try await $0.outbox(environmentId: env.id, limit: 100) }
            let runEvents = events.filter { $0.event.hasPrefix("sync_job_run:") }
            #expect(runEvents.map(\.event) == ["sync_job_run:created", "sync_job_run:created"])
            #expect(runEvents[0].payload == r.json)
            let listed = try await api.request(.GET, "/sync-job-run?sync_job_id=\(ids.job)&status=created")
            #expect(listed.json["result"]?.arrayValue?.count == 2)
            #expect(try await api.request(.GET, "/sync-job-run?status=completed").json["result"] == [])
        }
    }

    @Test(arguments: StoreKind.available)
    func referencesAndFieldsAreValidated(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let ids = try await Fixtures.basics(api)
            let missing = try await api.request(
                .POST, "/sync-job-run",
                json: ["sync_job_id": .string(ids.job), "args": [1], "error_handling": "explode", "ignore_previous_run": "no", "colour": 1])
            #expect(missing.status == 422)
            #expect(
                Fixtures.failures(missing) == [
                    "integrated_account_id": "is required", "webhook_id": "is required", "args": "must be an object",
                    "error_handling": "must be one of ignore, fail_fast", "ignore_previous_run": "must be a boolean", "colour": "unknown field",
                ]
            )
            let dangling = try await api.request(
                .POST, "/sync-job-run", json: Fixtures.runBody((ids.webhook, ids.account, "7279a917-b447-4629-9e46-a1eeb791ad6b")))
            #expect(Fixtures.failures(dangling) == ["sync_job_id": "no sync job with this id"])
        }
    }

    @Test(arguments: StoreKind.available)
    func stoppingAndDeleting(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let ids = try await Fixtures.basics(api)
            let id = try await api.request(.POST, "/sync-job-run", json: Fixtures.runBody(ids)).string("id")!
            let active = try await api.request(.DELETE, "/sync-job-run/\(id)")
            #expect(active.status == 409)
            #expect(active.string("code") == "sync_job_run_active")
            let badStatus = try await api.request(.PATCH, "/sync-job-run/\(id)", json: ["status": "completed"])
            #expect(Fixtures.failures(badStatus) == ["status": "must be one of stopped"])
            let stopped = try await api.request(.PATCH, "/sync-job-run/\(id)", json: ["status": "stopped"])
            #expect(stopped.status == 200)
            #expect(stopped.json["status"] == "stopped")
            #expect(stopped.json["finished_at"] != .null)
            #expect(stopped.json["error"] == "stopped by request")
            let again = try await api.request(.PATCH, "/sync-job-run/\(id)", json: ["status": "stopped"])
            #expect(again.status == 409)
            #expect(again.string("code") == "sync_job_run_finished")
            #expect(try await api.request(.DELETE, "/sync-job-run/\(id)").json == ["id": .string(id)])
            #expect(try await api.request(.GET, "/sync-job-run/\(id)").status == 404)
        }
    }
}

@Suite struct ArgsValidationAPITests {
    static let job: JSONValue = [
        "integration_name": "zendesk",
        "args_schema": [
            "ticket_sync_start_date": ["type": "string", "format": "date-time"], "ticket_ids": ["type": "array", "items": ["type": "string"]],
        ],
        "resources": [
            ["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": "{{args.ticket_sync_start_date|previous_run_date}}"]]
        ],
    ]

    @Test(arguments: StoreKind.available)
    func runArgsAreValidatedAgainstTheJobsSchema(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let ids = try await Fixtures.basics(api)
            let job = try await api.request(.POST, "/sync-job", json: Self.job).string("id")!
            let bad = try await api.request(
                .POST, "/sync-job-run",
                json: Fixtures.runBody((ids.webhook, ids.account, job), extra: ["args": ["ticket_sync_start_date": "yesterday", "ticket_ids": [1]]]))
            #expect(bad.status == 422)
            #expect(
                Fixtures.failures(bad) == [
                    "args.ticket_sync_start_date": "\"yesterday\" is not a valid date-time",
                    "args.ticket_ids[0]": "must be string, but is integer",
                ])
            #expect(try await api.request(.GET, "/sync-job-run").json["result"] == [])
            let good = try await api.request(
                .POST, "/sync-job-run",
                json: Fixtures.runBody((ids.webhook, ids.account, job), extra: ["args": ["ticket_sync_start_date": "2023-07-23T18:10:56.072Z"]]))
            #expect(good.status == 201)
            let trigger = try await api.request(
                .POST, "/sync-job-cron-trigger",
                json: Fixtures.runBody((ids.webhook, ids.account, job), extra: ["cron_expression": "@daily", "args": ["ticket_ids": "1,2"]]))
            #expect(Fixtures.failures(trigger) == ["args.ticket_ids": "must be array, but is string"])
        }
    }

    @Test(arguments: StoreKind.available)
    func invalidArgsSchemasAreRejected(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let r = try await api.request(
                .POST, "/sync-job",
                json: [
                    "integration_name": "zendesk", "args_schema": ["start": ["type": "date"]],
                    "resources": [["resource": "ticketing/tickets", "method": "list"]],
                ])
            #expect(r.status == 422)
            #expect(Fixtures.failures(r).keys.sorted() == ["args_schema.start.type"])
        }
    }
}
