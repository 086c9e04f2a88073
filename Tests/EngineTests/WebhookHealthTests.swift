import Delivery
import Foundation
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@testable import Engine

/// A webhook whose every delivery fails for five days is deactivated, and the environment's other webhooks that
/// subscribe to it hear `webhook:disabled`; a single success in between starts the count again.
@Suite struct WebhookHealthTests {
    @Test(arguments: StoreKind.available)
    func aWebhookFailingForFiveDaysIsDisabledAndTheOthersAreTold(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 5, engineRunning: false) { h in
            let failing = try await h.webhook(eventTypes: ["integrated_account:created"])
            let observer = WebhookReceiver()
            try await observer.run { observerURL in
                let watcher = try await h.api.request(
                    .POST, "/webhook", json: ["target_url": .string(observerURL + "/hook"), "event_types": ["webhook:disabled"]]
                )
                let watcherId = try #require(watcher.string("id"))
                h.receiver.respond(with: 503)
                let clock = ManualClock(Date())
                let start = clock.now()
                let dispatcher = OutboxDispatcher(
                    store: h.store, sender: WebhookSender(client: h.client, clock: clock), policy: RetryPolicy.delivery, clock: clock,
                    health: WebhookHealth(store: h.store, clock: clock, disableAfter: 5 * 86_400), logger: TestStores.logger
                )
                /// One account event a simulated day, delivered (and retried) hour by hour.
                func day(_ n: Int) async throws {
                    _ = try await h.api.request(
                        .POST, "/integrated-account",
                        json: [
                            "integration_name": "zendesk", "tenant_id": .string("t\(n)"),
                            "context": ["base_url": .string(h.sandboxURL), "email": "a@example.com", "api_token": "sandbox-token"],
                        ])
                    for _ in 0..<24 {
                        try await dispatcher.dispatchDue()
                        clock.advance(by: 3600)
                    }
                }
                func isActive() async throws -> Bool? { try await h.api.request(.GET, "/webhook/\(failing.id)").json["is_active"]?.boolValue }
                // Two failing days, one success, then failures again: the streak starts over at the success.
                try await day(0)
                try await day(1)
                h.receiver.respond(with: 200)
                try await day(2)
                h.receiver.respond(with: 503)
                for n in 3..<8 { try await day(n) }
                #expect(try await isActive() == true, "5 days since the last success have not passed yet")
                #expect(observer.deliveries.isEmpty)
                try await day(8)
                #expect(try await isActive() == false, "deactivated once every delivery failed for 5 days")
                try await dispatcher.dispatchDue()
                let told = observer.deliveries.compactMap { try? JSONParser.parse($0.body) }
                #expect(told.count == 1, "\(told.map { $0.jsonString() })")
                #expect(told.first?["event"] == "webhook:disabled")
                #expect(told.first?["payload"]?["id"]?.stringValue == failing.id)
                #expect(told.first?["payload"]?["is_active"] == false)
                #expect(told.first?["payload"]?["secret"] == nil)
                let since = try #require(told.first?["payload"]?["failing_since"]?.stringValue.flatMap(Timestamp.parse))
                #expect(since > start.addingTimeInterval(2 * 86_400), "the streak began after the success of day 2")
                #expect(try await h.api.request(.GET, "/webhook/\(watcherId)").json["is_active"] == true, "the observer is not touched")
            }
        }
    }
}
