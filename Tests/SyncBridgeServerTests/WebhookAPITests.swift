import Delivery
import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@Suite struct WebhookAPITests {
    @Test(arguments: StoreKind.available)
    func crudWithTheSeedRequest(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let created = try await api.request(.POST, "/webhook", json: Fixtures.webhook)
            #expect(created.status == 201)
            let id = try #require(created.string("id"))
            let secret = try #require(created.string("secret"))
            #expect(secret.hasPrefix("whsec_"))
            #expect(Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
            #expect(created.json["event_types"] == Fixtures.allEvents)
            #expect(created.json["is_active"] == true)
            #expect(Timestamp.parse(created.string("created_at")!) != nil)
            #expect(created.string("created_at")!.count == 24)

            let fetched = try await api.request(.GET, "/webhook/\(id)")
            #expect(fetched.status == 200)
            #expect(fetched.json["secret"] == nil)
            #expect(fetched.json["target_url"] == Fixtures.webhook["target_url"])

            let patched = try await api.request(.PATCH, "/webhook/\(id)", json: ["is_active": false, "event_types": ["sync_job_run:record"]])
            #expect(patched.status == 200)
            #expect(patched.json["is_active"] == false)
            #expect(patched.json["event_types"] == ["sync_job_run:record"])
            #expect(patched.json["target_url"] == Fixtures.webhook["target_url"])
            #expect(patched.json["secret"] == nil)

            let list = try await api.request(.GET, "/webhook?is_active=false")
            #expect(list.json["result"]?.arrayValue?.map { $0["id"] } == [.string(id)])
            #expect(list.json["next_cursor"] == .null)
            #expect(list.json["limit"] == 100)
            #expect(try await api.request(.GET, "/webhook?is_active=true").json["result"] == [])

            let deleted = try await api.request(.DELETE, "/webhook/\(id)")
            #expect(deleted.json == ["id": .string(id)])
            #expect(try await api.request(.GET, "/webhook/\(id)").status == 404)
            #expect(try await api.request(.DELETE, "/webhook/\(id)").status == 404)
        }
    }

    @Test(arguments: StoreKind.available)
    func validation(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let r = try await api.request(
                .POST, "/webhook",
                json: ["target_url": "ftp://example.com/x", "is_active": "yes", "event_types": ["sync_job_run:record", "sync_job_run:exploded", 3]])
            #expect(r.status == 422)
            #expect(
                Fixtures.failures(r) == [
                    "target_url": "must be an absolute http or https URL (the scheme is 'ftp')", "is_active": "must be a boolean",
                    "event_types[1]": "'sync_job_run:exploded' is not a known event type", "event_types[2]": "must be a string",
                ]
            )
            #expect(Fixtures.failures(try await api.request(.POST, "/webhook", json: [:])) == ["target_url": "is required"])
            #expect(
                Fixtures.failures(try await api.request(.POST, "/webhook", json: ["target_url": "not a url"])) == [
                    "target_url": "must be an absolute http or https URL without spaces or control characters (found U+0020)"
                ])
        }
    }

    @Test(arguments: StoreKind.available)
    func pagination(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            var ids: Set<String> = []
            for i in 0..<7 {
                ids.insert(try await api.request(.POST, "/webhook", json: ["target_url": .string("http://127.0.0.1/\(i)")]).string("id")!)
            }
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await api.request(.GET, "/webhook?limit=3" + (cursor.map { "&next_cursor=\($0)" } ?? ""))
                #expect(page.json["limit"] == 3)
                seen += page.json["result"]!.arrayValue!.map { $0["id"]!.stringValue! }
                cursor = page.string("next_cursor")
            } while cursor != nil
            #expect(seen.count == 7)
            #expect(Set(seen) == ids)
        }
    }

    @Test(arguments: StoreKind.available)
    func testEventIsSignedAndReported(kind: StoreKind) async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await withAPI(kind) { api in
                let created = try await api.request(.POST, "/webhook", json: ["target_url": .string(url + "/hooks")])
                let id = created.string("id")!
                let secret = created.string("secret")!
                let ok = try await api.request(.POST, "/webhook/test", json: ["id": .string(id)])
                #expect(ok.status == 200)
                #expect(ok.json["success"] == true)
                #expect(ok.json["status"] == 200)
                receiver.respond(with: 503)
                let failing = try await api.request(.POST, "/webhook/test", json: ["id": .string(id)])
                #expect(failing.json["success"] == false)
                #expect(failing.json["status"] == 503)
                let deliveries = receiver.deliveries
                #expect(deliveries.count == 2)
                let first = try #require(deliveries.first)
                #expect(first.path == "/hooks")
                #expect(first.headers["user-agent"] == "syncbridge/\(SyncBridgeVersion.current)")
                let envelope = try JSONParser.parse(first.body)
                #expect(envelope["event"] == "test")
                #expect(envelope["webhook_id"] == .string(id))
                #expect(envelope["id"] == ok.json["event_id"])
                #expect(first.headers["webhook-id"] == ok.string("event_id"))
                let signer = WebhookSigner(secret: secret)
                let body = Array(first.body.utf8)
                #expect(
                    signer.verify(
                        messageId: first.headers["webhook-id"]!, timestamp: Int(first.headers["webhook-timestamp"]!)!,
                        signatureHeader: first.headers["webhook-signature"]!, body: body
                    )
                )
                #expect(first.headers["x-truto-signature"] == signer.trutoSignature(body: body))
                let missing = try await api.request(.POST, "/webhook/test", json: ["id": "7279a917-b447-4629-9e46-a1eeb791ad6b"])
                #expect(missing.status == 404)
                let invalid = try await api.request(.POST, "/webhook/test", json: ["id": "x"])
                #expect(Fixtures.failures(invalid) == ["id": "must be a UUID"])
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func inUseWebhookCannotBeDeleted(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let ids = try await Fixtures.basics(api)
            let run = try await api.request(.POST, "/sync-job-run", json: Fixtures.runBody(ids))
            #expect(run.status == 201)
            let r = try await api.request(.DELETE, "/webhook/\(ids.webhook)")
            #expect(r.status == 409)
            #expect(r.string("code") == "webhook_in_use")
            #expect(try await api.request(.DELETE, "/sync-job/\(ids.job)").string("code") == "sync_job_in_use")
            #expect(try await api.request(.DELETE, "/integrated-account/\(ids.account)").string("code") == "integrated_account_in_use")
            #expect(try await api.request(.PATCH, "/sync-job-run/\(run.string("id")!)", json: ["status": "stopped"]).status == 200)
            #expect(try await api.request(.DELETE, "/webhook/\(ids.webhook)").status == 200)
        }
    }
}
