import Connectors
import Foundation
import Storage
import SyncBridgeCore

/// The one way a run comes to be — from the API, a cron fire, a push notification or an account event: its settings
/// are checked (``RunReferences``), the account must be active, and the run is inserted with its
/// `sync_job_run:created` event queued, all in the caller's transaction.
public struct RunFactory: Sendable {
    /// The integrations runs are checked against (and accounts rendered with).
    public let connectors: IntegrationRegistry

    /// Creates a factory that checks continuous runs against `connectors`.
    public init(connectors: IntegrationRegistry) {
        self.connectors = connectors
    }

    /// Why no run was created.
    public struct Refusal: Error, Sendable {
        /// Problems with the settings, by request field (422).
        public var failures: [FieldFailure]
        /// The account exists but is not active (409), when the settings are otherwise fine.
        public var inactiveAccount: IntegratedAccount.Status?
        /// The first of: the job, webhook or account is gone; the account is not active; the settings are invalid.
        public var reason: String

        /// The API's error for it: 422 naming the fields, or 409 `integrated_account_not_active`.
        public var apiError: SyncBridgeError {
            if let status = inactiveAccount, failures.isEmpty {
                return SyncBridgeError(
                    .conflict, code: "integrated_account_not_active",
                    message: "Integrated account is '\(status.rawValue)'; it must be active to run a sync job."
                )
            }
            return SyncBridgeError.validation(failures)
        }
    }

    /// Creates a run of `settings` (fired by `cronTriggerId`, if any), or says why not.
    public func create(
        _ settings: RunSettings, environmentId env: UUID, cronTriggerId: UUID? = nil, session: any StoreSession, now: Date
    ) async throws -> Result<SyncJobRun, Refusal> {
        let refs = try await RunReferences.check(settings, environmentId: env, session: session, connectors: connectors)
        let inactive = refs.account.flatMap { $0.status == .active ? nil : $0.status }
        guard refs.failures.isEmpty, inactive == nil, let webhook = refs.webhook else {
            let reason: String
            if refs.job == nil {
                reason = "the sync job no longer exists"
            } else if refs.webhook == nil {
                reason = "the webhook no longer exists"
            } else if refs.account == nil {
                reason = "the integrated account no longer exists"
            } else if let inactive {
                reason = "the integrated account is \(inactive.rawValue)"
            } else {
                reason = "the run's settings are not valid: " + refs.failures.map { "\($0.path): \($0.message)" }.joined(separator: "; ")
            }
            return .failure(Refusal(failures: refs.failures, inactiveAccount: inactive, reason: reason))
        }
        let run = SyncJobRun(environmentId: env, settings: settings, cronTriggerId: cronTriggerId, createdAt: now, updatedAt: now)
        try await session.insert(run)
        if let event = OutboxEvent.about(run, .syncJobRunCreated, webhook: webhook, now: now) { try await session.enqueue([event]) }
        return .success(run)
    }
}
