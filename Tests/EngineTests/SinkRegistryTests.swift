import Connectors
import Foundation
import Logging
import Runs
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Synchronization
import Testing

/// A sink is one type and one registry entry: the run's reference check accepts destinations of its kind, checks
/// their options with the entry, refuses kinds nobody registered, and the registry makes the sink that takes pages.
@Suite struct SinkRegistryTests {
    /// A sink that keeps what it is given.
    final class Collecting: RecordSink {
        let pages = Mutex<[SinkPage]>([])
        func write(_ page: SinkPage, logger: Logger) async throws(SinkError) -> SinkReceipt {
            pages.withLock { $0.append(page) }
            return SinkReceipt(counts: ["collected": page.records.count])
        }
    }

    static let collected = Collecting()
    static let entry = SinkRegistry.Entry(
        kind: "collect", integrationName: "zendesk",
        check: { r in
            r.rejectUnknown(["type", "integrated_account_id", "label"])
            _ = r.string("label")
        },
        make: { _ in collected }
    )

    @Test(arguments: StoreKind.available)
    func aRegisteredSinkIsCheckedAndMade(kind: StoreKind) async throws {
        let registry = IntegrationRegistry(
            [ZendeskConnector(client: ProviderClient(http: HTTPClientForTests.shared))], sinks: SinkRegistry([ZendeskTicketImport.sink, Self.entry])
        )
        try await withStore(kind) { store in
            let now = Date(timeIntervalSince1970: 1_790_000_000)
            let env = Environment(name: "default", createdAt: now)
            let job = SyncJob(
                environmentId: env.id, label: nil, integrationName: "zendesk",
                resources: [SyncJobResource(resource: "ticketing/tickets", method: "list")],
                argsSchema: nil, createdAt: now, updatedAt: now
            )
            let account = IntegratedAccount(
                environmentId: env.id, integrationName: "zendesk", tenantId: "acme", context: ["subdomain": "acme"], credentials: [:],
                status: .active,
                createdAt: now, updatedAt: now
            )
            let webhook = Webhook(
                environmentId: env.id, targetURL: "https://example.com/h", isActive: true, eventTypes: [], secret: "s", createdAt: now, updatedAt: now
            )
            try await store.transaction { s in
                try await s.insertEnvironment(env)
                try await s.insert(job)
                try await s.insert(account)
                try await s.insert(webhook)
            }
            func failures(_ destination: RunDestination) async throws -> [FieldFailure] {
                var settings = RunSettings(syncJobId: job.id, integratedAccountId: account.id, webhookId: webhook.id)
                settings.destination = destination
                return try await store.transaction {
                    try await RunReferences.check(settings, environmentId: env.id, session: $0, connectors: registry)
                }.failures
            }
            #expect(try await failures(RunDestination(kind: "collect", integratedAccountId: account.id, options: ["label": "x"])) == [])
            #expect(
                try await failures(RunDestination(kind: "collect", integratedAccountId: account.id, options: ["buffer_size": 5]))
                    == [FieldFailure(path: "destination.buffer_size", message: "unknown field")]
            )
            #expect(
                try await failures(RunDestination(kind: "nope", integratedAccountId: account.id))
                    == [FieldFailure(path: "destination.type", message: "'nope' is not a destination type (known: collect, zendesk_ticket_import)")]
            )
            let context = SinkRegistry.Context(
                destination: RunDestination(kind: "collect", integratedAccountId: account.id),
                credentials: FixedCredentials(ConnectorAccount(account)),
                client: ProviderClient(http: HTTPClientForTests.shared)
            )
            let sink = try #require(registry.sinks.sink(for: context))
            let receipt = try await sink.write(
                SinkPage(resource: "ticketing/tickets", records: [["id": 1], ["id": 2]], payload: [:], sequence: 0, mayRepeat: false),
                logger: Logger(label: "t")
            )
            #expect(receipt == SinkReceipt(counts: ["collected": 2]))
            #expect(Self.collected.pages.withLock { $0.map(\.records.count) }.last == 2)
        }
    }
}
