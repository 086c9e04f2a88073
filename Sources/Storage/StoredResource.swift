import Foundation
import SyncBridgeCore

/// How a ``Resource`` maps onto its table: the indexed columns beside the JSON document, and which members are
/// encrypted at rest.
public protocol StoredResource: Resource {
    /// The table name.
    static var table: String { get }
    /// Columns (beyond id, environment_id, created_at, updated_at) kept in clear for filtering, with their values.
    var indexedColumns: [String: String] { get }
    /// Columns that list endpoints may filter on with equality.
    static var filterColumns: Set<String> { get }
    /// The values a filter column can take, for columns with a closed set (statuses, booleans); other values are
    /// refused instead of matching nothing.
    static var filterValues: [String: [String]] { get }
    /// Top-level members of ``Resource/stored`` that are sealed with AES-GCM before they reach the database.
    static var sealedMembers: [String] { get }
    /// Indexed columns written on every insert and update, NULL when ``indexedColumns`` has no value for them (a
    /// value that can be cleared).
    static var clearableColumns: Set<String> { get }
}

extension StoredResource {
    public static var sealedMembers: [String] { [] }
    public static var clearableColumns: Set<String> { [] }
    public static var filterColumns: Set<String> { [] }
    public static var filterValues: [String: [String]] { [:] }
    public var indexedColumns: [String: String] { [:] }
}

extension Webhook: StoredResource {
    public static let table = "webhooks"
    public static let sealedMembers = ["secret"]
    public static let filterColumns: Set<String> = ["is_active"]
    public static let filterValues: [String: [String]] = ["is_active": ["true", "false"]]
    public var indexedColumns: [String: String] { ["is_active": isActive ? "true" : "false"] }
}

extension IntegratedAccount: StoredResource {
    public static let table = "integrated_accounts"
    public static let sealedMembers = ["credentials"]
    public static let filterColumns: Set<String> = ["integration_name", "tenant_id", "status"]
    public static let filterValues: [String: [String]] = ["status": Status.allCases.map(\.rawValue)]
    public var indexedColumns: [String: String] {
        ["integration_name": integrationName, "tenant_id": tenantId, "status": status.rawValue]
    }
}

extension SyncJob: StoredResource {
    public static let table = "sync_jobs"
    public static let filterColumns: Set<String> = ["integration_name"]
    public var indexedColumns: [String: String] { ["integration_name": integrationName] }
}

extension SyncJobRun: StoredResource {
    public static let table = "sync_job_runs"
    public static let clearableColumns: Set<String> = ["next_attempt_at"]
    public static let filterColumns: Set<String> = [
        "sync_job_id", "integrated_account_id", "webhook_id", "status", "sync_job_cron_trigger_id",
    ]
    public static let filterValues: [String: [String]] = ["status": Status.allCases.map(\.rawValue)]
    public var indexedColumns: [String: String] {
        var c = [
            "sync_job_id": settings.syncJobId.lowercased, "integrated_account_id": settings.integratedAccountId.lowercased,
            "webhook_id": settings.webhookId.lowercased, "status": status.rawValue,
        ]
        if let cronTriggerId { c["sync_job_cron_trigger_id"] = cronTriggerId.lowercased }
        if let startedAt { c["started_at"] = Timestamp.format(startedAt) }
        if let nextAttemptAt { c["next_attempt_at"] = Timestamp.format(nextAttemptAt) }
        return c
    }
}

extension SyncJobCronTrigger: StoredResource {
    public static let table = "sync_job_cron_triggers"
    public static let filterColumns: Set<String> = ["sync_job_id", "integrated_account_id", "webhook_id", "status"]
    public static let filterValues: [String: [String]] = ["status": Status.allCases.map(\.rawValue)]
    public var indexedColumns: [String: String] {
        var c = [
            "sync_job_id": settings.syncJobId.lowercased, "integrated_account_id": settings.integratedAccountId.lowercased,
            "webhook_id": settings.webhookId.lowercased, "status": status.rawValue,
        ]
        if let nextFireAt { c["next_fire_at"] = Timestamp.format(nextFireAt) }
        return c
    }
}

extension SyncJobEventTrigger: StoredResource {
    public static let table = "sync_job_event_triggers"
    public static let filterColumns: Set<String> = ["sync_job_id", "webhook_id", "event", "status"]
    public static let filterValues: [String: [String]] = [
        "status": Status.allCases.map(\.rawValue), "event": events.map(\.rawValue),
    ]
    public var indexedColumns: [String: String] {
        ["sync_job_id": syncJobId.lowercased, "webhook_id": webhookId.lowercased, "event": event.rawValue, "status": status.rawValue]
    }
}

extension SyncJobPushTrigger: StoredResource {
    public static let table = "sync_job_push_triggers"
    public static let sealedMembers = ["signing_secret"]
    public static let filterColumns: Set<String> = ["sync_job_id", "integrated_account_id", "webhook_id", "status"]
    public static let filterValues: [String: [String]] = ["status": Status.allCases.map(\.rawValue)]
    public var indexedColumns: [String: String] {
        var columns = [
            "sync_job_id": settings.syncJobId.lowercased, "integrated_account_id": settings.integratedAccountId.lowercased,
            "webhook_id": settings.webhookId.lowercased, "status": status.rawValue,
        ]
        if let dueAt { columns["due_at"] = Timestamp.format(dueAt) }
        return columns
    }
}

extension EnvironmentIntegration: StoredResource {
    public static let table = "environment_integrations"
    public static let sealedMembers = ["oauth_client_secret"]
    public static let filterColumns: Set<String> = ["integration_name"]
    public var indexedColumns: [String: String] { ["integration_name": integrationName] }
}

extension LinkToken: StoredResource {
    public static let table = "link_tokens"
    public static let sealedMembers = ["code_verifier"]
}
