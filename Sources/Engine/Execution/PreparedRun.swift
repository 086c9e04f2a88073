import Accounts
import Connectors
import Foundation
import Storage
import SyncBridgeCore

/// Everything a claimed run refers to, loaded once before it executes: the job and its resource graph, the account
/// and its connector, the webhook, and the sink its pages go to.
struct PreparedRun: Sendable {
    let job: SyncJob
    let graph: ResourceGraph
    let account: IntegratedAccount
    let connector: any Connector
    let webhook: Webhook
    /// Where pages of records go: the webhook, or the run's `destination`.
    let sink: any RecordSink

    /// Loads what `run` refers to; anything missing or unusable fails the run (``RunInterruption/failed(_:)``).
    static func load(_ run: SyncJobRun, services: EngineServices) async throws -> PreparedRun {
        let (env, settings) = (run.environmentId, run.settings)
        let (job, account, webhook) = try await services.store.transaction { s in
            (
                try await s.fetch(SyncJob.self, id: settings.syncJobId, environmentId: env),
                try await s.fetch(IntegratedAccount.self, id: settings.integratedAccountId, environmentId: env),
                try await s.fetch(Webhook.self, id: settings.webhookId, environmentId: env)
            )
        }
        guard let job else { throw RunInterruption.failed("sync job \(settings.syncJobId.lowercased) no longer exists") }
        guard let account else { throw RunInterruption.failed("integrated account \(settings.integratedAccountId.lowercased) no longer exists") }
        guard let webhook else { throw RunInterruption.failed("webhook \(settings.webhookId.lowercased) no longer exists") }
        guard webhook.isActive else { throw RunInterruption.failed("webhook \(webhook.id.lowercased) is inactive") }
        guard let connector = services.connectors.connector(for: job.integrationName) else {
            throw RunInterruption.failed("no connector for integration '\(job.integrationName)'")
        }
        guard let graph = ResourceGraph(resources: job.resources, failures: FailureCollector()) else {
            throw RunInterruption.failed("the sync job's depends_on edges do not form a tree")
        }
        var sink: any RecordSink = WebhookSink(
            delivery: services.delivery, webhook: webhook, runId: run.id, environmentId: env, clock: services.clock,
            parkAfter: services.configuration.parkAfter
        )
        if let target = settings.destination {
            let destination = try await services.store.transaction {
                try await $0.fetch(IntegratedAccount.self, id: target.integratedAccountId, environmentId: env)
            }
            guard let destination, destination.status == .active else {
                throw RunInterruption.failed("destination account \(target.integratedAccountId.lowercased) is missing or not active")
            }
            let context = SinkRegistry.Context(
                destination: target, credentials: RenewingCredentials(tokens: services.tokens, account: destination), client: services.providerClient)
            guard let chosen = services.connectors.sinks.sink(for: context) else {
                throw RunInterruption.failed("this build has no sink for destinations of type '\(target.kind)'")
            }
            sink = chosen
        }
        return PreparedRun(job: job, graph: graph, account: account, connector: connector, webhook: webhook, sink: sink)
    }
}
