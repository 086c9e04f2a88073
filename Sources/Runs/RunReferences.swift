import Connectors
import Foundation
import Storage
import SyncBridgeCore

/// What a run's settings point at, checked inside the transaction that writes the run or trigger: the job, account
/// and webhook must exist in the environment, the account must belong to the job's integration, the args must satisfy
/// the job's `args_schema`, a destination must be a writable account, and a continuous run needs an incremental
/// export to poll. Each problem names the request field it is about.
public struct RunReferences: Sendable {
    /// The resources the settings point at, those that exist.
    public var job: SyncJob?
    public var account: IntegratedAccount?
    public var webhook: Webhook?
    /// Every problem found, by request field.
    public var failures: [FieldFailure]

    /// Checks `settings` in `session`'s transaction. Without `checkingAccount` (an event trigger, whose runs take the
    /// account the event is about), the account is not looked at.
    public static func check(
        _ settings: RunSettings, environmentId env: UUID, session: any StoreSession, connectors: IntegrationRegistry, checkingAccount: Bool = true
    ) async throws -> RunReferences {
        let job = try await session.fetch(SyncJob.self, id: settings.syncJobId, environmentId: env)
        let account = checkingAccount ? try await session.fetch(IntegratedAccount.self, id: settings.integratedAccountId, environmentId: env) : nil
        let webhook = try await session.fetch(Webhook.self, id: settings.webhookId, environmentId: env)
        var failures: [FieldFailure] = []
        if job == nil { failures.append(.init(path: "sync_job_id", message: "no sync job with this id")) }
        if account == nil && checkingAccount { failures.append(.init(path: "integrated_account_id", message: "no integrated account with this id")) }
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
            if let sink = connectors.sinks.entry(for: destination.kind) {
                let collector = FailureCollector()
                sink.check(FieldReader(destination.json, path: "destination", failures: collector))
                failures += collector.failures
                let target = try await session.fetch(IntegratedAccount.self, id: destination.integratedAccountId, environmentId: env)
                if let target {
                    if target.integrationName != sink.integrationName {
                        failures.append(
                            .init(path: "destination.integrated_account_id", message: "\(sink.kind) writes to a '\(sink.integrationName)' account"))
                    } else if target.status != .active {
                        failures.append(
                            .init(path: "destination.integrated_account_id", message: "the account is '\(target.status.rawValue)'; it must be active")
                        )
                    } else if let problem = sink.accountProblem(target) {
                        failures.append(.init(path: "destination.integrated_account_id", message: problem))
                    }
                } else {
                    failures.append(.init(path: "destination.integrated_account_id", message: "no integrated account with this id"))
                }
            } else {
                failures.append(
                    .init(
                        path: "destination.type",
                        message: "'\(destination.kind)' is not a destination type (known: \(connectors.sinks.kinds.joined(separator: ", ")))"
                    ))
            }
        }
        if settings.mode == .continuous, let job {
            let roots = job.resources.filter { $0.dependsOn == nil }
            if roots.count != 1 {
                failures.append(
                    .init(path: "mode", message: "continuous runs need a sync job with exactly one root resource (one without depends_on)"))
            } else if let root = roots.first, let connector = connectors.connector(for: job.integrationName),
                !connector.pollsIncrementally(resource: root.resource, method: root.method, query: root.query)
            {
                // Without an incremental export there is nothing to poll: the run would list once and complete.
                failures.append(
                    .init(
                        path: "mode",
                        message:
                            "continuous runs poll an incremental export; '\(root.resource)' \(root.method) has none here (use ticketing/tickets, ticketing/users or ticketing/contacts with an updated_at condition)"
                    ))
            }
        }
        return RunReferences(job: job, account: account, webhook: webhook, failures: failures)
    }

    /// Throws the 422 that names every problem, if there is one.
    public func throwIfInvalid() throws {
        if !failures.isEmpty { throw SyncBridgeError.validation(failures) }
    }
}
