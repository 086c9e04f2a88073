import Foundation

/// Runs a sync job when an integrated account of the job's integration becomes active or submits its post-connect
/// form, so a receiver need not create the run itself when it hears the account event. The account events are still
/// delivered as before.
public struct SyncJobEventTrigger: Resource, Equatable {
    public static let resourceName = "sync-job-event-trigger"

    /// The account events a trigger can listen to.
    public static let events: [EventType] = [.integratedAccountActive, .integratedAccountPostConnectFormSubmitted]

    public enum Status: String, Sendable, CaseIterable {
        case active, paused
    }

    public var id: UUID
    public var environmentId: UUID
    public var syncJobId: UUID
    /// Where the runs it creates deliver.
    public var webhookId: UUID
    /// `integrated_account:active` or `integrated_account:post_connect_form_submitted`.
    public var event: EventType
    public var errorHandling: ErrorHandling
    public var ignorePreviousRun: Bool
    public var args: [String: JSONValue]
    public var status: Status
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID = UUID(), environmentId: UUID, syncJobId: UUID, webhookId: UUID, event: EventType, errorHandling: ErrorHandling = .ignore,
        ignorePreviousRun: Bool = false, args: [String: JSONValue] = [:], status: Status = .active, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.environmentId = environmentId
        self.syncJobId = syncJobId
        self.webhookId = webhookId
        self.event = event
        self.errorHandling = errorHandling
        self.ignorePreviousRun = ignorePreviousRun
        self.args = args
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// What a run for `accountId` executes.
    public func settings(for accountId: UUID) -> RunSettings {
        RunSettings(
            syncJobId: syncJobId, integratedAccountId: accountId, webhookId: webhookId, errorHandling: errorHandling,
            ignorePreviousRun: ignorePreviousRun, args: args)
    }

    public var stored: JSONValue {
        .object(
            commonMembers.merging([
                "sync_job_id": .string(syncJobId.lowercased), "webhook_id": .string(webhookId.lowercased), "event": .string(event.rawValue),
                "error_handling": .string(errorHandling.rawValue), "ignore_previous_run": .bool(ignorePreviousRun), "args": .object(args),
                "status": .string(status.rawValue),
            ])
        )
    }

    public var apiJSON: JSONValue { stored }

    public init(stored: JSONValue) throws(SyncBridgeError) {
        self = try decodeStored("sync job event trigger", stored) { r in
            guard let c = r.common(), let job = r.uuid("sync_job_id", required: true), let webhook = r.uuid("webhook_id", required: true),
                let event = r.string("event", required: true).flatMap(EventType.init(rawValue:)),
                let status = r.string("status", required: true).flatMap(Status.init(rawValue:))
            else { return nil }
            return SyncJobEventTrigger(
                id: c.id, environmentId: c.environmentId, syncJobId: job, webhookId: webhook, event: event,
                errorHandling: r.string("error_handling").flatMap(ErrorHandling.init(rawValue:)) ?? .ignore,
                ignorePreviousRun: r.bool("ignore_previous_run") ?? false, args: r.object("args") ?? [:], status: status,
                createdAt: c.createdAt, updatedAt: c.updatedAt
            )
        }
    }
}
