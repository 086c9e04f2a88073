import Foundation
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@Suite struct IntegratedAccountAPITests {
    @Test(arguments: StoreKind.available)
    func createdActiveWithEventsAndNoSecretsInResponses(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let hook = try await api.request(.POST, "/webhook", json: Fixtures.webhook)
            let onlyRecords = try await api.request(
                .POST, "/webhook", json: ["target_url": "http://127.0.0.1/r", "event_types": ["sync_job_run:record"]])
            _ = try await api.request(.POST, "/webhook", json: ["target_url": "http://127.0.0.1/off", "is_active": false])
            let created = try await api.request(.POST, "/integrated-account", json: Fixtures.account)
            #expect(created.status == 201)
            #expect(created.json["status"] == "active")
            #expect(created.json["tenant_id"] == "acme-1")
            #expect(created.json["integration_name"] == "zendesk")
            #expect(created.json["context"] == ["subdomain": "acme", "email": "admin@example.com", "base_url": "http://127.0.0.1:8090"])
            #expect(
                created.json["warnings"]
                    == [
                        "Zendesk API tokens stop working on 2027-04-30 (no new ones can be created since 2026-10-27): reconnect this account with OAuth."
                    ]
            )
            let id = try #require(created.string("id"))
            let fetched = try await api.request(.GET, "/integrated-account/\(id)")
            #expect(!fetched.json.jsonString().contains("sandbox-token"))
            #expect(fetched.json["context"]?["api_token"] == nil)

            // Both events went to the subscribed, active webhook only, in order, with the account as payload.
            let env = try #require(try await api.store.transaction { try await $0.environment(named: "default") })
            let events = try await api.store.transaction { try await $0.outbox(environmentId: env.id, limit: 100) }
            #expect(events.map(\.event) == ["integrated_account:created", "integrated_account:active"])
            #expect(events.allSatisfy { $0.webhookId.lowercased == hook.string("id") })
            #expect(events.allSatisfy { $0.webhookId.lowercased != onlyRecords.string("id") })
            #expect(events[1].payload["id"] == .string(id))
            #expect(events[1].envelope["webhook_id"] == hook.json["id"])
            #expect(events[1].envelope["environment_id"] == .string(env.id.lowercased))
            #expect(!events[1].payload.jsonString().contains("sandbox-token"))
        }
    }

    @Test(arguments: StoreKind.available)
    func incompleteCredentialsConnectUntilPatched(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            _ = try await api.request(.POST, "/webhook", json: Fixtures.webhook)
            let created = try await api.request(
                .POST, "/integrated-account",
                json: ["integration_name": "zendesk", "tenant_id": "t", "context": ["subdomain": "acme", "email": "a@b.c"]])
            #expect(created.status == 201)
            #expect(created.json["status"] == "connecting")
            #expect(created.string("last_error") == "context.api_token is required (or give context.access_token)")
            let id = created.string("id")!
            let patched = try await api.request(.PATCH, "/integrated-account/\(id)", json: ["context": ["api_token": "tok"]])
            #expect(patched.json["status"] == "active")
            #expect(patched.json["last_error"] == .null)
            #expect(patched.json["context"] == ["subdomain": "acme", "email": "a@b.c"])
            let env = try #require(try await api.store.transaction { try await $0.environment(named: "default") })
            let events = try await api.store.transaction { try await $0.outbox(environmentId: env.id, limit: 100) }
            // The seed webhook does not subscribe to integrated_account:updated, so only these two reach it.
            #expect(events.map(\.event) == ["integrated_account:created", "integrated_account:active"])
            // A run on a connecting account is refused.
            let other = try await api.request(.POST, "/integrated-account", json: ["integration_name": "zendesk", "tenant_id": "t2"])
            let job = try await api.request(.POST, "/sync-job", json: Fixtures.seedJob)
            let hook = try await api.request(.GET, "/webhook")
            let run = try await api.request(
                .POST, "/sync-job-run",
                json: [
                    "sync_job_id": job.json["id"]!, "integrated_account_id": other.json["id"]!,
                    "webhook_id": hook.json["result"]!.arrayValue![0]["id"]!,
                ]
            )
            #expect(run.status == 409)
            #expect(run.string("code") == "integrated_account_not_active")
            // null removes a context member.
            let removed = try await api.request(.PATCH, "/integrated-account/\(id)", json: ["context": ["email": nil]])
            #expect(removed.json["context"] == ["subdomain": "acme"])
            #expect(removed.json["status"] == "connecting")
            let deleted = try await api.request(.DELETE, "/integrated-account/\(id)")
            #expect(deleted.json == ["id": .string(id)])
        }
    }

    @Test(arguments: StoreKind.available)
    func validation(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let r = try await api.request(.POST, "/integrated-account", json: ["integration_name": "salesforce", "context": "x", "credentials": [:]])
            #expect(r.status == 422)
            #expect(
                Fixtures.failures(r) == [
                    "integration_name": "'salesforce' is not a supported integration (supported: zendesk)", "tenant_id": "is required",
                    "context": "must be an object", "credentials": "unknown field",
                ]
            )
            let badURL = try await api.request(
                .POST, "/integrated-account",
                json: ["integration_name": "zendesk", "tenant_id": "t", "context": ["base_url": "nope", "access_token": "x"]])
            #expect(badURL.json["status"] == "connecting")
            #expect(badURL.string("last_error") == "context.base_url must be an absolute http or https URL (it has no scheme)")
            let list = try await api.request(.GET, "/integrated-account?status=connecting&tenant_id=t")
            #expect(list.json["result"]?.arrayValue?.count == 1)
        }
    }
}
