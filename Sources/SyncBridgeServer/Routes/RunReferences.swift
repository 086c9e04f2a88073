import Connectors
import Foundation
import Storage
import SyncBridgeCore

/// Checks what a run or cron trigger points at, inside the transaction that writes it: the job, account and webhook
/// must exist in the environment (422 naming the field otherwise), the account must belong to the job's integration,
/// and the args must satisfy the job's `args_schema` (422 naming `args.<name>`).
enum RunReferences {
    struct Resolved {
        let job: SyncJob
        let account: IntegratedAccount
        let webhook: Webhook
    }

    static func resolve(
        _ settings: RunSettings, environmentId env: UUID, session: any StoreSession, connectors: ConnectorRegistry
    ) async throws -> Resolved {
        let job = try await session.fetch(SyncJob.self, id: settings.syncJobId, environmentId: env)
        let account = try await session.fetch(IntegratedAccount.self, id: settings.integratedAccountId, environmentId: env)
        let webhook = try await session.fetch(Webhook.self, id: settings.webhookId, environmentId: env)
        var failures: [FieldFailure] = []
        if job == nil { failures.append(.init(path: "sync_job_id", message: "no sync job with this id")) }
        if account == nil { failures.append(.init(path: "integrated_account_id", message: "no integrated account with this id")) }
        if webhook == nil { failures.append(.init(path: "webhook_id", message: "no webhook with this id")) }
        if let job, let account, job.integrationName != account.integrationName {
            failures.append(
                .init(
                    path: "integrated_account_id",
                    message: "account is a '\(account.integrationName)' account but the sync job is for '\(job.integrationName)'"
                )
            )
        }
        if let schema = job?.argsSchema {
            failures += try ArgsSchema(schema).check(settings.args)
        }
        if let destination = settings.destination {
            let target = try await session.fetch(IntegratedAccount.self, id: destination.integratedAccountId, environmentId: env)
            if target == nil {
                failures.append(.init(path: "destination.integrated_account_id", message: "no integrated account with this id"))
            } else if target?.integrationName != "zendesk" {
                failures.append(.init(path: "destination.integrated_account_id", message: "zendesk_ticket_import writes to a 'zendesk' account"))
            } else if target?.status != .active {
                failures.append(.init(path: "destination.integrated_account_id", message: "the account is '\(target!.status.rawValue)'; it must be active"))
            }
        }
        if settings.mode == .continuous, let job {
            let roots = job.resources.filter { $0.dependsOn == nil }
            if roots.count != 1 {
                failures.append(.init(path: "mode", message: "continuous runs need a sync job with exactly one root resource (one without depends_on)"))
            } else if let root = roots.first, let connector = connectors.connector(for: job.integrationName),
                !connector.pollsIncrementally(resource: root.resource, method: root.method, query: root.query)
            {
                // Without an incremental export there is nothing to poll: the run would list once and complete.
                failures.append(.init(
                    path: "mode",
                    message: "continuous runs poll an incremental export; '\(root.resource)' \(root.method) has none here (use ticketing/tickets, ticketing/users or ticketing/contacts with an updated_at condition)"
                ))
            }
        }
        if !failures.isEmpty { throw SyncBridgeError.validation(failures) }
        return Resolved(job: job!, account: account!, webhook: webhook!)
    }
}
