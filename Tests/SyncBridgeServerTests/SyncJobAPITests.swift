import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@Suite struct SyncJobAPITests {
    @Test(arguments: StoreKind.available)
    func seedJobsAreAcceptedVerbatim(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let created = try await api.request(.POST, "/sync-job", json: Fixtures.seedJob)
            #expect(created.status == 201)
            #expect(created.json["resources"] == Fixtures.seedJob["resources"])
            #expect(created.json["args_schema"] == .null)
            // The JSONata-query and loop_on jobs of the seed.
            let jsonata: JSONValue = [
                "integration_name": "zendesk",
                "args_schema": ["ticket_sync_start_date": ["type": "string", "format": "date-time"]],
                "resources": [
                    [
                        "resource": "ticketing/tickets", "method": "list",
                        "query": "{ 'updated_at': { 'gt': args.ticket_sync_start_date ? args.ticket_sync_start_date : previous_run_date } }",
                    ]
                ],
            ]
            let j = try await api.request(.POST, "/sync-job", json: jsonata)
            #expect(j.status == 201)
            #expect(j.json["args_schema"] == jsonata["args_schema"])
            let loop: JSONValue = [
                "integration_name": "zendesk",
                "args_schema": ["ticket_ids": ["type": "array", "items": ["type": "string"]]],
                "resources": [["resource": "ticketing/tickets", "method": "get", "loop_on": "{{args.ticket_ids}}", "id": "{{args.ticket_ids}}"]],
            ]
            #expect(try await api.request(.POST, "/sync-job", json: loop).status == 201)
            let conditional: JSONValue = [
                "integration_name": "zendesk",
                "resources": [
                    ["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": "{{args.ticket_sync_start_date|previous_run_date}}"]]
                ],
            ]
            #expect(try await api.request(.POST, "/sync-job", json: conditional).status == 201)
            #expect(try await api.request(.GET, "/sync-job").json["result"]?.arrayValue?.count == 4)
            #expect(try await api.request(.GET, "/sync-job?integration_name=hubspot").json["result"] == [])
        }
    }

    /// `concurrency` (requests in flight ahead of a run's walk): 1 to 64, kept, changed, cleared with null.
    @Test(arguments: StoreKind.available)
    func concurrencyIsBoundedAndClearable(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let resources: JSONValue = [["resource": "ticketing/tickets", "method": "list"]]
            for bad: JSONValue in [0, 65, 2.5, "8", true] {
                let r = try await api.request(.POST, "/sync-job", json: ["integration_name": "zendesk", "resources": resources, "concurrency": bad])
                #expect(r.status == 422, "\(bad.jsonString())")
                let message = Fixtures.failures(r)["concurrency"]
                #expect(
                    message == "must be an integer from 1 to 64 (requests in flight at once; the engine's setting is the ceiling)"
                        || message == "must be an integer", "\(bad.jsonString()): \(message ?? "none")")
            }
            let plain = try await api.request(.POST, "/sync-job", json: ["integration_name": "zendesk", "resources": resources])
            #expect(plain.json.objectValue?.keys.contains("concurrency") == false, "absent unless set")
            let created = try await api.request(.POST, "/sync-job", json: ["integration_name": "zendesk", "resources": resources, "concurrency": 64])
            #expect(created.status == 201)
            #expect(created.json["concurrency"] == 64)
            let id = try #require(created.string("id"))
            let changed = try await api.request(.PATCH, "/sync-job/\(id)", json: ["concurrency": 2])
            #expect(changed.json["concurrency"] == 2)
            #expect(try await api.request(.GET, "/sync-job/\(id)").json["concurrency"] == 2)
            let cleared = try await api.request(.PATCH, "/sync-job/\(id)", json: ["concurrency": .null])
            #expect(cleared.status == 200)
            #expect(cleared.json.objectValue?.keys.contains("concurrency") == false)
        }
    }

    @Test(arguments: StoreKind.available)
    func validationNamesTheOffendingPath(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let body: JSONValue = [
                "integration_name": "zendesk",
                "resources": [
                    ["resource": "ticketing/users", "method": "list"],
                    ["resource": "ticketing/tickets", "method": "list", "query": ["a": "{{args.x"]],
                    ["resource": "ticketing/comments", "method": "destroy", "depends_on": "ticketing/ticketz"],
                    ["resource": "ticketing/contacts", "method": "list", "depends_on": "ticketing/nothing", "qurey": [:]],
                ],
            ]
            let r = try await api.request(.POST, "/sync-job", json: body)
            #expect(r.status == 422)
            #expect(
                Fixtures.failures(r) == [
                    "resources[1].query.a": "malformed placeholder: unclosed '{{'",
                    "resources[2].method": "must be 'list' or 'get' for a unified resource",
                    "resources[2].depends_on": "'ticketing/ticketz' is not one of this job's resources",
                    "resources[3].depends_on": "'ticketing/nothing' is not one of this job's resources",
                    "resources[3].qurey": "unknown field",
                ]
            )
            let cycle = try await api.request(
                .POST, "/sync-job",
                json: [
                    "integration_name": "zendesk",
                    "resources": [
                        ["resource": "tickets", "method": "list", "depends_on": "ticket_comments"],
                        ["resource": "ticket_comments", "method": "list", "depends_on": "tickets"],
                    ],
                ]
            )
            #expect(Fixtures.failures(cycle) == ["resources[0].depends_on": "dependency cycle: tickets → ticket_comments → tickets"])
            let empty = try await api.request(.POST, "/sync-job", json: ["integration_name": "zendesk", "resources": [], "args_schema": "x"])
            #expect(
                Fixtures.failures(empty) == [
                    "resources": "must contain at least one resource",
                    "args_schema": "must be an object (a JSON Schema, or a map of argument name to schema)",
                ])
            #expect(try await api.request(.GET, "/sync-job").json["result"] == [])
        }
    }

    @Test(arguments: StoreKind.available)
    func patchReplacesResourcesAndRevalidates(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let id = try await api.request(.POST, "/sync-job", json: Fixtures.seedJob).string("id")!
            let bad = try await api.request(
                .PATCH, "/sync-job/\(id)",
                json: ["resources": [["resource": "ticketing/comments", "method": "list", "depends_on": "ticketing/tickets"]]])
            #expect(bad.status == 422)
            let ok = try await api.request(
                .PATCH, "/sync-job/\(id)", json: ["label": "nightly", "resources": [["resource": "ticketing/users", "method": "list"]]])
            #expect(ok.status == 200)
            #expect(ok.json["label"] == "nightly")
            #expect(ok.json["resources"] == [["resource": "ticketing/users", "method": "list"]])
            let fetched = try await api.request(.GET, "/sync-job/\(id)")
            #expect(fetched.json == ok.json)
            #expect(try await api.request(.DELETE, "/sync-job/\(id)").json == ["id": .string(id)])
        }
    }
}
