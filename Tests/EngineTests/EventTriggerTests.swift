import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Event triggers run a job for accounts that become active or submit their post-connect form, without any glue
/// code in the receiver.
@Suite struct EventTriggerTests {
    func runs(_ h: EngineHarness, account: String) async throws -> [JSONValue] {
        try await h.api.request(.GET, "/sync-job-run?integrated_account_id=\(account)").json["result"]?.arrayValue ?? []
    }

    @Test(arguments: StoreKind.available)
    func accountBecomingActiveRunsTheJob(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 5) { h in
            let webhook = try await h.webhook()
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            let trigger = try await h.api.request(
                .POST, "/sync-job-event-trigger",
                json: ["sync_job_id": .string(job), "webhook_id": .string(webhook.id), "event": "integrated_account:active"]
            )
            #expect(trigger.status == 201, "\(trigger.json.jsonString())")
            let paused = try await h.api.request(
                .POST, "/sync-job-event-trigger",
                json: ["sync_job_id": .string(job), "webhook_id": .string(webhook.id), "event": "integrated_account:active", "status": "paused"]
            )
            #expect(paused.status == 201)

            // Created active: one run (the paused trigger makes none), which completes.
            let account = try await h.account()
            let created = try await runs(h, account: account)
            #expect(created.count == 1)
            let run = try await h.waitForRun(try #require(created.first?["id"]?.stringValue))
            #expect(run["status"] == "completed")
            #expect(run["sync_job_id"]?.stringValue == job)

            // Created incomplete (connecting): no run until a PATCH completes it.
            let pending = try await h.api.request(
                .POST, "/integrated-account",
                json: [
                    "integration_name": "zendesk", "tenant_id": "later",
                    "context": ["base_url": .string(h.sandboxURL), "email": "admin@example.com"],
                ]
            )
            #expect(pending.json["status"] == "connecting", "\(pending.json.jsonString())")
            let pendingId = try #require(pending.string("id"))
            #expect(try await runs(h, account: pendingId).isEmpty)
            let patched = try await h.api.request(.PATCH, "/integrated-account/\(pendingId)", json: ["context": ["api_token": "sandbox-token"]])
            #expect(patched.json["status"] == "active")
            #expect(try await runs(h, account: pendingId).count == 1)
            // The account events are still delivered, by the outbox.
            try await waitUntil {
                h.receiver.deliveries.compactMap { try? JSONParser.parse($0.body)["event"]?.stringValue }.filter { $0 == "integrated_account:active" }
                    .count == 2
            }
        }
    }

    @Test func postConnectFormSubmissionRunsTheJob() async throws {
        try await withEngine(.sqlite, tickets: 3) { h in
            let webhook = try await h.webhook()
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            let trigger = try await h.api.request(
                .POST, "/sync-job-event-trigger",
                json: ["sync_job_id": .string(job), "webhook_id": .string(webhook.id), "event": "integrated_account:post_connect_form_submitted"]
            )
            #expect(trigger.status == 201)
            let account = try await h.account()
            #expect(try await runs(h, account: account).isEmpty, "becoming active is not this trigger's event")
            let submitted = try await h.api.request(.POST, "/integrated-account/\(account)/post-connect-form", json: ["values": ["brand": "acme"]])
            #expect(submitted.status == 200, "\(submitted.json.jsonString())")
            #expect(submitted.json["context"]?["post_connect_user_form"]?["brand"] == "acme")
            let created = try await runs(h, account: account)
            #expect(created.count == 1)
            #expect(try await h.waitForRun(try #require(created.first?["id"]?.stringValue))["status"] == "completed")
        }
    }

    @Test func invalidTriggersAreRefused() async throws {
        try await withEngine(.sqlite, tickets: 1, engineRunning: false) { h in
            let webhook = try await h.webhook()
            let bad = try await h.api.request(
                .POST, "/sync-job-event-trigger",
                json: ["sync_job_id": .string(UUID().uuidString), "webhook_id": .string(webhook.id), "event": "integrated_account:deleted"]
            )
            #expect(bad.status == 422)
            #expect(failureLines(bad.json) == ["event: must be one of integrated_account:active, integrated_account:post_connect_form_submitted"])
        }
    }
}
