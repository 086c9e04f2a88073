import Foundation
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Request bodies of the reference job (users, contacts, tickets, comments per ticket), and helpers to create the resources a test needs.
enum Fixtures {
    static let allEvents: JSONValue = [
        "sync_job_run:created", "sync_job_run:updated", "sync_job_run:started", "sync_job_run:completed", "sync_job_run:failed",
        "sync_job_run:record", "sync_job_run:record_error", "sync_job_run:rate_limited", "integrated_account:created",
        "integrated_account:active", "integrated_account:post_connect_form_submitted",
    ]

    static let webhook: JSONValue = [
        "target_url": "https://webhook.site/6a7cc86e-9286-4be8-ba79-bcd8dfdbeee1", "is_active": true, "event_types": allEvents,
    ]

    static let account: JSONValue = [
        "integration_name": "zendesk", "tenant_id": "acme-1",
        "context": ["subdomain": "acme", "email": "admin@example.com", "api_token": "sandbox-token", "base_url": "http://127.0.0.1:8090"],
    ]

    /// The seed's job: users, contacts, tickets, comments per ticket.
    static let seedJob: JSONValue = [
        "integration_name": "zendesk",
        "resources": [
            ["resource": "ticketing/users", "method": "list"],
            ["resource": "ticketing/contacts", "method": "list"],
            ["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]],
            [
                "resource": "ticketing/comments", "method": "list", "depends_on": "ticketing/tickets",
                "query": ["ticket_id": "{{resources.ticketing.tickets.id}}"],
            ],
        ],
    ]

    /// Creates a webhook, an account and the seed job; returns their ids.
    static func basics(_ api: APIHarness, targetURL: String? = nil) async throws -> (webhook: String, account: String, job: String) {
        var hook = webhook
        if let targetURL, case .object(var o) = hook {
            o["target_url"] = .string(targetURL)
            hook = .object(o)
        }
        let w = try await api.request(.POST, "/webhook", json: hook)
        let a = try await api.request(.POST, "/integrated-account", json: account)
        let j = try await api.request(.POST, "/sync-job", json: seedJob)
        try #require(w.status == 201 && a.status == 201 && j.status == 201)
        return (w.string("id")!, a.string("id")!, j.string("id")!)
    }

    static func runBody(_ ids: (webhook: String, account: String, job: String), extra: [String: JSONValue] = [:]) -> JSONValue {
        .object(
            ["sync_job_id": .string(ids.job), "integrated_account_id": .string(ids.account), "webhook_id": .string(ids.webhook)]
                .merging(extra, uniquingKeysWith: { _, b in b })
        )
    }

    /// The failures of a 422 as (path, message) pairs.
    static func failures(_ reply: APIHarness.Reply) -> [String: String] {
        var out: [String: String] = [:]
        for f in reply.json["details"]?["failures"]?.arrayValue ?? [] {
            out[f["path"]!.stringValue!] = f["message"]!.stringValue!
        }
        return out
    }
}

/// A fresh store of `kind` and a live API over it.
func withAPI<R: Sendable>(_ kind: StoreKind, _ body: @Sendable @escaping (APIHarness) async throws -> R) async throws -> R {
    try await withStore(kind) { store in try await withAPI(store: store, body) }
}
