import Foundation

/// One execution of a sync job against one integrated account, delivering to one webhook.
public struct SyncJobRun: Resource, Equatable {
    public static let resourceName = "sync-job-run"

    /// Where a run is in its life: created → running ⇄ rate_limited | waiting_for_webhook → completed | failed |
    /// stopped. A run `waiting_for_webhook` is parked: its receiver did not acknowledge, the next attempt is due at
    /// `next_attempt_at`, and until then it holds no lease and no worker slot.
    public enum Status: String, Sendable, CaseIterable {
        case created, running
        case rateLimited = "rate_limited"
        case waitingForWebhook = "waiting_for_webhook"
        case completed, failed, stopped

        /// True once the run can no longer change.
        public var isFinished: Bool { self == .completed || self == .failed || self == .stopped }
    }

    public var id: UUID
    public var environmentId: UUID
    public var settings: RunSettings
    public var status: Status
    /// Per resource: `{"fetched": n, "delivered": n, "errors": n}`.
    public var resourceStats: [String: JSONValue]
    /// Why the run failed or was stopped.
    public var error: String?
    /// The cron trigger that created the run, if any.
    public var cronTriggerId: UUID?
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// When a parked run (`waiting_for_webhook`) tries its receiver again.
    public var nextAttemptAt: Date?

    /// Creates a run.
    public init(
        id: UUID = UUID(), environmentId: UUID, settings: RunSettings, status: Status = .created,
        resourceStats: [String: JSONValue] = [:], error: String? = nil, cronTriggerId: UUID? = nil, createdAt: Date,
        updatedAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil
    ) {
        self.id = id
        self.environmentId = environmentId
        self.settings = settings
        self.status = status
        self.resourceStats = resourceStats
        self.error = error
        self.cronTriggerId = cronTriggerId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    public var stored: JSONValue {
        .object(
            commonMembers.merging(settings.members).merging([
                "status": .string(status.rawValue),
                "resource_stats": .object(resourceStats),
                "error": error.json,
                "sync_job_cron_trigger_id": cronTriggerId.map { .string($0.lowercased) } ?? .null,
                "started_at": startedAt.json,
                "finished_at": finishedAt.json,
                "next_attempt_at": nextAttemptAt.json,
            ])
        )
    }

    public var apiJSON: JSONValue { stored }

    public init(stored: JSONValue) throws(SyncBridgeError) {
        self = try decodeStored("sync job run", stored) { r in
            guard let c = r.common(), let settings = RunSettings(reading: r),
                let status = r.string("status", required: true).flatMap(Status.init(rawValue:))
            else { return nil }
            var run = SyncJobRun(
                id: c.id, environmentId: c.environmentId, settings: settings, status: status,
                resourceStats: r.object("resource_stats") ?? [:], error: r.string("error", nonEmpty: false),
                cronTriggerId: r.uuid("sync_job_cron_trigger_id"), createdAt: c.createdAt, updatedAt: c.updatedAt,
                startedAt: r.date("started_at"), finishedAt: r.date("finished_at")
            )
            run.nextAttemptAt = r.date("next_attempt_at")
            return run
        }
    }
}
