import Foundation

/// Runs a sync job for one integrated account when the provider says something changed: the notification is only a
/// flag, and the run then pulls what changed. On creation SyncBridge registers itself with the provider (for Zendesk a webhook and a ticket
/// trigger); the provider's signed notifications only mark the trigger pending, and after `debounce_seconds` without
/// another one (at most `max_delay_seconds` after the first) one run of the job is created. The job's incremental
/// query (`updated_at > previous_run_date`) fetches whatever changed, so lost notifications lose nothing; the
/// optional `safety_net_cron` runs the job on a schedule as well. Deleting the trigger removes the registration.
public struct SyncJobPushTrigger: Resource, Equatable {
    public static let resourceName = "sync-job-push-trigger"

    public enum Status: String, Sendable, CaseIterable {
        case active, paused
    }

    public var id: UUID
    public var environmentId: UUID
    public var settings: RunSettings
    /// Quiet time after the last notification before the run is created.
    public var debounceSeconds: Double
    /// Longest wait after the first notification of a burst, however long the burst.
    public var maxDelaySeconds: Double
    /// A cron expression (UTC) that also creates runs, in case notifications stop coming; nil for none.
    public var safetyNetCron: String?
    public var status: Status
    /// What the provider registration created (for Zendesk `webhook_id` and `trigger_id`), for deregistration.
    public var registration: [String: JSONValue]
    /// The secret the provider signs notifications with. Stored encrypted, never shown.
    public var signingSecret: String
    /// First notification not yet turned into a run.
    public var pendingSince: Date?
    public var lastNotifiedAt: Date?
    public var nextSafetyNetAt: Date?
    /// When the scheduler must next look at the trigger (a debounce deadline or the safety net); indexed.
    public var dueAt: Date?
    public var notifications: Int
    public var runsCreated: Int
    public var lastRunId: UUID?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID = UUID(), environmentId: UUID, settings: RunSettings, debounceSeconds: Double = 5, maxDelaySeconds: Double = 60,
        safetyNetCron: String? = nil, status: Status = .active, registration: [String: JSONValue] = [:], signingSecret: String = "",
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.environmentId = environmentId
        self.settings = settings
        self.debounceSeconds = debounceSeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.safetyNetCron = safetyNetCron
        self.status = status
        self.registration = registration
        self.signingSecret = signingSecret
        notifications = 0
        runsCreated = 0
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Records a notification received at `now` and moves the due time.
    public mutating func notified(at now: Date) {
        notifications += 1
        lastNotifiedAt = now
        if pendingSince == nil { pendingSince = now }
        reschedule()
    }

    /// When a pending burst is ripe: the debounce after the last notification, capped by the maximum delay.
    public var runDeadline: Date? {
        guard let pendingSince, let lastNotifiedAt else { return nil }
        return min(lastNotifiedAt.addingTimeInterval(debounceSeconds), pendingSince.addingTimeInterval(maxDelaySeconds))
    }

    /// `due_at` = the earlier of the run deadline and the next safety-net fire; nil when paused.
    public mutating func reschedule() {
        guard status == .active else {
            dueAt = nil
            return
        }
        dueAt = [runDeadline, nextSafetyNetAt].compactMap { $0 }.min()
    }

    public var stored: JSONValue {
        .object(
            commonMembers.merging([
                "sync_job_id": .string(settings.syncJobId.lowercased), "integrated_account_id": .string(settings.integratedAccountId.lowercased),
                "webhook_id": .string(settings.webhookId.lowercased), "error_handling": .string(settings.errorHandling.rawValue),
                "ignore_previous_run": .bool(settings.ignorePreviousRun), "args": .object(settings.args),
                "debounce_seconds": .number(debounceSeconds), "max_delay_seconds": .number(maxDelaySeconds),
                "safety_net_cron": safetyNetCron.map(JSONValue.string) ?? .null, "status": .string(status.rawValue),
                "registration": .object(registration), "pending_since": pendingSince.json, "last_notified_at": lastNotifiedAt.json,
                "next_safety_net_at": nextSafetyNetAt.json, "due_at": dueAt.json, "notifications": .number(Double(notifications)),
                "runs_created": .number(Double(runsCreated)), "last_run_id": lastRunId.map { .string($0.lowercased) } ?? .null,
                "signing_secret": .string(signingSecret),
            ])
        )
    }

    public var apiJSON: JSONValue { stored.removing(["signing_secret"]) }

    public init(stored: JSONValue) throws(SyncBridgeError) {
        self = try decodeStored("sync job push trigger", stored) { r in
            guard let c = r.common(), let job = r.uuid("sync_job_id", required: true), let account = r.uuid("integrated_account_id", required: true),
                let webhook = r.uuid("webhook_id", required: true), let status = r.string("status", required: true).flatMap(Status.init(rawValue:))
            else { return nil }
            let settings = RunSettings(
                syncJobId: job, integratedAccountId: account, webhookId: webhook,
                errorHandling: r.string("error_handling").flatMap(ErrorHandling.init(rawValue:)) ?? .ignore,
                ignorePreviousRun: r.bool("ignore_previous_run") ?? false, args: r.object("args") ?? [:]
            )
            var t = SyncJobPushTrigger(
                id: c.id, environmentId: c.environmentId, settings: settings, debounceSeconds: r.value("debounce_seconds")?.numberValue ?? 5,
                maxDelaySeconds: r.value("max_delay_seconds")?.numberValue ?? 60, safetyNetCron: r.string("safety_net_cron"), status: status,
                registration: r.object("registration") ?? [:], signingSecret: r.string("signing_secret", nonEmpty: false) ?? "",
                createdAt: c.createdAt, updatedAt: c.updatedAt
            )
            t.pendingSince = r.date("pending_since")
            t.lastNotifiedAt = r.date("last_notified_at")
            t.nextSafetyNetAt = r.date("next_safety_net_at")
            t.dueAt = r.date("due_at")
            t.notifications = r.int("notifications") ?? 0
            t.runsCreated = r.int("runs_created") ?? 0
            t.lastRunId = r.uuid("last_run_id")
            return t
        }
    }
}
