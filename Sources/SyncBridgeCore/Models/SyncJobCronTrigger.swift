import Foundation

/// Creates a sync job run on a cron schedule.
public struct SyncJobCronTrigger: Resource, Equatable {
    public static let resourceName = "sync-job-cron-trigger"

    /// Whether the trigger fires.
    public enum Status: String, Sendable, CaseIterable {
        case active, paused
    }

    /// What a fire does while the trigger's previous run is still going.
    public enum Overlap: String, Sendable, CaseIterable {
        /// Record the fire as skipped (the default): slow accounts never pile up runs.
        case skip
        /// Create the run anyway; it waits in the queue.
        case queue
    }

    public var id: UUID
    public var environmentId: UUID
    /// What each fire runs.
    public var settings: RunSettings
    /// Five-field cron expression, evaluated in ``timezone`` (UTC by default).
    public var cronExpression: String
    /// An IANA time zone name, or `nil` for UTC.
    public var timezone: String?
    public var status: Status
    public var overlap: Overlap
    public var lastFiredAt: Date?
    public var nextFireAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    /// Creates a trigger.
    public init(
        id: UUID = UUID(), environmentId: UUID, settings: RunSettings, cronExpression: String, timezone: String? = nil,
        status: Status = .active, overlap: Overlap = .skip, lastFiredAt: Date? = nil, nextFireAt: Date? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.environmentId = environmentId
        self.settings = settings
        self.cronExpression = cronExpression
        self.timezone = timezone
        self.status = status
        self.overlap = overlap
        self.lastFiredAt = lastFiredAt
        self.nextFireAt = nextFireAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var stored: JSONValue {
        .object(
            commonMembers.merging(settings.members).merging([
                "cron_expression": .string(cronExpression),
                "timezone": timezone.json,
                "status": .string(status.rawValue),
                "overlap": .string(overlap.rawValue),
                "last_fired_at": lastFiredAt.json,
                "next_fire_at": nextFireAt.json,
            ])
        )
    }

    public var apiJSON: JSONValue { stored }

    public init(stored: JSONValue) throws(SyncBridgeError) {
        self = try decodeStored("sync job cron trigger", stored) { r in
            guard let c = r.common(), let settings = RunSettings(reading: r),
                let cron = r.string("cron_expression", required: true),
                let status = r.string("status", required: true).flatMap(Status.init(rawValue:))
            else { return nil }
            return SyncJobCronTrigger(
                id: c.id, environmentId: c.environmentId, settings: settings, cronExpression: cron,
                timezone: r.string("timezone"), status: status,
                overlap: r.string("overlap").flatMap(Overlap.init(rawValue:)) ?? .skip, lastFiredAt: r.date("last_fired_at"),
                nextFireAt: r.date("next_fire_at"), createdAt: c.createdAt, updatedAt: c.updatedAt
            )
        }
    }
}
