import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Malformed requests get Truto's error envelope with the right status and a stable code.
@Suite struct RequestErrorTests {
    @Test(arguments: StoreKind.available)
    func malformedBodies(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let bad = try await api.request(.POST, "/webhook", raw: #"{"target_url": "#)
            #expect(bad.status == 400)
            #expect(bad.string("code") == "malformed_json")
            #expect(bad.string("error") == "Bad Request")
            let empty = try await api.request(.POST, "/webhook", raw: "")
            #expect(empty.status == 400)
            let notObject = try await api.request(.POST, "/webhook", json: [1, 2])
            #expect(notObject.status == 422)
            #expect(Fixtures.failures(notObject) == ["body": "must be a JSON object"])
            let media = try await api.request(
                .POST, "/webhook", raw: "target_url=x", headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(media.status == 415)
            #expect(media.string("code") == "unsupported_media_type")
            let huge = try await api.request(.POST, "/sync-job", raw: #"{"label": ""# + String(repeating: "x", count: 2 * 1024 * 1024) + #""}"#)
            #expect(huge.status == 413)
            #expect(huge.string("code") == "payload_too_large")
            #expect(huge.string("error") == "Payload Too Large")
        }
    }

    @Test(arguments: StoreKind.available)
    func unknownFieldsAreRejectedNotDropped(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let r = try await api.request(.POST, "/webhook", json: ["target_url": "http://127.0.0.1/x", "secret": "mine", "evnt_types": []])
            #expect(r.status == 422)
            #expect(r.string("code") == "validation_failed")
            #expect(r.string("error") == "Unprocessable Entity")
            #expect(r.json["statusCode"] == 422)
            #expect(Fixtures.failures(r) == ["evnt_types": "unknown field", "secret": "unknown field"])
            #expect(try await api.request(.GET, "/webhook").json["result"] == [])
        }
    }

    @Test(arguments: StoreKind.available)
    func unknownRoutesAndIds(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let route = try await api.request(.GET, "/nope")
            #expect(route.status == 404)
            #expect(route.string("code") == "route_not_found")
            let notUUID = try await api.request(.GET, "/webhook/123")
            #expect(notUUID.status == 404)
            #expect(notUUID.string("code") == "webhook_not_found")
            let missing = try await api.request(.GET, "/sync-job-run/7279a917-b447-4629-9e46-a1eeb791ad6b")
            #expect(missing.status == 404)
            #expect(missing.string("code") == "sync_job_run_not_found")
            #expect(missing.string("message") == "No sync-job-run with id 7279a917-b447-4629-9e46-a1eeb791ad6b.")
        }
    }

    @Test(arguments: StoreKind.available)
    func listParametersAreChecked(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            for (query, name) in [
                ("limit=0", "limit"), ("limit=101", "limit"), ("limit=x", "limit"), ("next_cursor=garbage", "next_cursor"),
                ("colour=red", "colour"), ("created_at%5Bafter%5D=2024-01-01T00:00:00Z", "created_at[after]"),
                ("created_at[gt]=yesterday", "created_at[gt]"), ("status[gt]=x", "status[gt]"),
            ] {
                let r = try await api.request(.GET, "/sync-job-run?\(query)")
                #expect(r.status == 400, "\(query)")
                #expect(r.string("code") == "invalid_query_parameter")
                #expect(Fixtures.failures(r).keys.first == name, "\(query)")
            }
        }
    }
}
