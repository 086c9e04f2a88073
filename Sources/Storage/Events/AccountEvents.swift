import Foundation
import SyncBridgeCore

/// Builds the outbox rows of account events: they go to every active webhook of the environment that subscribed to
/// them. (Run events go to the run's own webhook: `OutboxEvent.about`.)
public enum AccountEvents {
    /// Events about an integrated account, for every subscribed webhook; `payload` is the account as the API shows
    /// it (with its integration's warnings: `IntegrationRegistry.render`).
    public static func outbox(
        _ events: [EventType], account: IntegratedAccount, payload: JSONValue, session: any StoreSession, now: Date
    ) async throws -> [OutboxEvent] {
        let webhooks = try await activeWebhooks(environmentId: account.environmentId, session: session)
        var out: [OutboxEvent] = []
        for event in events {
            for webhook in webhooks where webhook.wants(event.rawValue) {
                out.append(
                    OutboxEvent(
                        environmentId: account.environmentId, webhookId: webhook.id, event: event.rawValue,
                        payload: payload, createdAt: now
                    )
                )
            }
        }
        return out
    }

    public static func activeWebhooks(environmentId: UUID, session: any StoreSession) async throws -> [Webhook] {
        var all: [Webhook] = []
        var query = ListQuery(limit: ListQuery.maximumLimit, equals: ["is_active": "true"])
        while true {
            let page = try await session.list(Webhook.self, environmentId: environmentId, query: query)
            all.append(contentsOf: page.items)
            guard let next = page.nextCursor else { return all }
            query.cursor = next
        }
    }
}
