import Foundation
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// A receiver can end retries: 410 Gone, or any failure with `webhook-delivery: abort`, fails the run at once with
/// the reason, after exactly one attempt.
@Suite struct ReceiverAbortTests {
    static let job: JSONValue = [["resource": "ticketing/tickets", "method": "list"]]

    @Test(arguments: StoreKind.available)
    func goneEndsTheRunAtOnce(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 250) { h in
            let webhook = try await h.webhook()
            h.receiver.answer("sync_job_run:record", with: 410)
            let run = try await h.run(job: try await h.job(Self.job), account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "failed")
            #expect(run["error"] == "the receiver ended delivery of sync_job_run:record (HTTP 410); nothing more is sent")
            try await h.waitForEvent("sync_job_run:failed")
            #expect(h.events().map(\.label) == ["sync_job_run:created", "sync_job_run:started", "record:ticketing/tickets", "sync_job_run:failed"])
        }
    }

    @Test(arguments: StoreKind.available)
    func anAbortHeaderEndsTheRunAtOnce(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 250) { h in
            let webhook = try await h.webhook()
            h.receiver.answer("sync_job_run:record", with: 503)
            h.receiver.answerHeaders(["webhook-delivery": "abort"])
            let run = try await h.run(job: try await h.job(Self.job), account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "failed")
            #expect(run["error"] == "the receiver ended delivery of sync_job_run:record (HTTP 503); nothing more is sent")
            let records = h.receiver.deliveries.filter { $0.body.contains(#""event":"sync_job_run:record""#) }
            #expect(records.count == 1, "no retry after an abort")
        }
    }
}
