/// The names of the events SyncBridge sends to webhooks.
public enum EventType: String, Sendable, CaseIterable {
    case syncJobRunCreated = "sync_job_run:created"
    case syncJobRunUpdated = "sync_job_run:updated"
    case syncJobRunStarted = "sync_job_run:started"
    case syncJobRunCompleted = "sync_job_run:completed"
    case syncJobRunFailed = "sync_job_run:failed"
    case syncJobRunRecord = "sync_job_run:record"
    case syncJobRunRecordError = "sync_job_run:record_error"
    case syncJobRunRateLimited = "sync_job_run:rate_limited"
    case integratedAccountCreated = "integrated_account:created"
    case integratedAccountActive = "integrated_account:active"
    case integratedAccountUpdated = "integrated_account:updated"
    case integratedAccountDeleted = "integrated_account:deleted"
    case integratedAccountAuthenticationError = "integrated_account:authentication_error"
    case integratedAccountPostConnectFormSubmitted = "integrated_account:post_connect_form_submitted"
    /// A webhook that failed every delivery for too long was deactivated; sent to every other webhook of the
    /// environment that subscribes to it.
    case webhookDisabled = "webhook:disabled"

    /// Events that go to every subscribed webhook of the environment (the others go to one run's webhook).
    public var isBroadcast: Bool { rawValue.hasPrefix("integrated_account:") }
}

/// The name of the event `POST /webhook/test` sends.
public let testEventName = "test"
