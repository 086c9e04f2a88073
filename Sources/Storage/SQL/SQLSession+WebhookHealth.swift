import Foundation
import SQLKit
import SyncBridgeCore

/// The failing streak of webhooks, and their deactivation after too long a streak.
extension SQLSession {
    func recordDeliveryOutcome(webhookId: UUID, environmentId: UUID, succeeded: Bool, at: Date, disableAfter: TimeInterval) async throws -> Webhook? {
        let id = webhookId.lowercased
        if succeeded {
            try await db.update(Webhook.table).set("failing_since", to: SQLLiteral.null)
                .where("id", .equal, id).where("failing_since", .isNot, SQLLiteral.null).run()
            return nil
        }
        let stamp = Timestamp.format(at)
        let row = try await db.update(Webhook.table).set(
            "failing_since", to: SQLFunction("COALESCE", args: SQLIdentifier("failing_since"), SQLBind(stamp))
        )
        .where("id", .equal, id).where("environment_id", .equal, environmentId.lowercased)
        .returning("failing_since").first()
        guard let since = try row?.decode(column: "failing_since", as: String?.self).flatMap(Timestamp.parse),
            at.timeIntervalSince(since) >= disableAfter,
            var webhook = try await fetch(Webhook.self, id: webhookId, environmentId: environmentId, forUpdate: true), webhook.isActive
        else { return nil }
        webhook.isActive = false
        webhook.updatedAt = at
        try await update(webhook)
        guard case .object(var payload) = webhook.apiJSON else { return webhook }
        payload["failing_since"] = since.json
        payload["reason"] = .string("every delivery failed since \(Timestamp.format(since)); deactivated after \(Int(disableAfter)) s")
        var events: [OutboxEvent] = []
        for other in try await AccountEvents.activeWebhooks(environmentId: environmentId, session: self)
        where other.id != webhook.id && other.wants(EventType.webhookDisabled.rawValue) {
            events.append(
                OutboxEvent(
                    environmentId: environmentId, webhookId: other.id, event: EventType.webhookDisabled.rawValue, payload: .object(payload),
                    createdAt: at)
            )
        }
        try await enqueue(events)
        return webhook
    }
}
