import Connectors
import Foundation
import Runs
import Storage
import SyncBridgeCore

/// Creates the runs event triggers ask for when an account event happens, in the transaction that records the event
/// (so an account that became active always gets its runs, exactly once).
enum AccountEventRuns {
    /// Records that `events` happened to the account: queues them for the environment's subscribed webhooks and
    /// creates the runs of the event triggers listening for them, in `session`'s transaction.
    static func announce(_ events: [EventType], account: IntegratedAccount, session: any StoreSession, runs: RunFactory, now: Date) async throws {
        try await session.enqueue(
            AccountEvents.outbox(events, account: account, payload: runs.connectors.render(account), session: session, now: now))
        _ = try await create(for: events, account: account, session: session, runs: runs, now: now)
    }

    /// The runs of the triggers listening for `events`; a trigger whose run would not be valid (its job or webhook
    /// gone, its job for another integration) creates none.
    static func create(for events: [EventType], account: IntegratedAccount, session: any StoreSession, runs factory: RunFactory, now: Date)
        async throws -> [SyncJobRun]
    {
        guard account.status == .active else { return [] }
        var runs: [SyncJobRun] = []
        for event in events where SyncJobEventTrigger.events.contains(event) {
            var query = ListQuery(
                limit: ListQuery.maximumLimit, equals: ["event": event.rawValue, "status": SyncJobEventTrigger.Status.active.rawValue])
            while true {
                let page = try await session.list(SyncJobEventTrigger.self, environmentId: account.environmentId, query: query)
                for trigger in page.items {
                    let made = try await factory.create(
                        trigger.settings(for: account.id), environmentId: account.environmentId, session: session, now: now)
                    if case .success(let run) = made { runs.append(run) }
                }
                guard let next = page.nextCursor else { break }
                query.cursor = next
            }
        }
        return runs
    }
}
