import Foundation

/// What happened at one scheduled time of a cron trigger.
public struct CronFire: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        /// A run was created.
        case fired
        /// No run: the previous run of the trigger was still going, or the account or job could not run.
        case skipped
    }

    public let triggerId: UUID
    public let environmentId: UUID
    /// The cron slot (not when the scheduler got to it).
    public let scheduledAt: Date
    public let outcome: Outcome
    public let runId: UUID?
    public let reason: String?
    /// When the scheduler acted.
    public let firedAt: Date

    public init(triggerId: UUID, environmentId: UUID, scheduledAt: Date, outcome: Outcome, runId: UUID?, reason: String?, firedAt: Date) {
        self.triggerId = triggerId
        self.environmentId = environmentId
        self.scheduledAt = scheduledAt
        self.outcome = outcome
        self.runId = runId
        self.reason = reason
        self.firedAt = firedAt
    }

    public var apiJSON: JSONValue {
        [
            "scheduled_at": scheduledAt.json, "outcome": .string(outcome.rawValue), "sync_job_run_id": runId.map { .string($0.lowercased) } ?? .null,
            "reason": reason.map(JSONValue.string) ?? .null, "fired_at": firedAt.json,
        ]
    }
}
