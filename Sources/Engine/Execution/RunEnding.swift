import Foundation
import Storage
import SyncBridgeCore

/// Records the end of a run in one transaction: the status, the error, the statistics, the watermarks of a completed
/// run, and the `completed` or `failed` event in the outbox. A run already finished (stopped meanwhile) is left as is.
enum RunEnding {
    /// The run as recorded and its event; nil when it had already ended.
    static func record(
        store: any Store, run: SyncJobRun, status: SyncJobRun.Status, error: String?, stats: [String: JSONValue], marks: [String: Date?]?,
        webhook: Webhook?, now: Date, claimUntil: Date
    ) async throws -> (SyncJobRun, OutboxEvent?)? {
        let (env, runId, settings) = (run.environmentId, run.id, run.settings)
        let eventType: EventType = status == .completed ? .syncJobRunCompleted : .syncJobRunFailed
        return try await store.transaction { s in
            guard var current = try await s.fetch(SyncJobRun.self, id: runId, environmentId: env, forUpdate: true),
                !current.status.isFinished
            else { return nil }
            current.status = status
            current.error = error
            current.finishedAt = now
            current.updatedAt = now
            if !stats.isEmpty { current.resourceStats = stats }
            try await s.update(current)
            if status == .completed { try await s.setCheckpoint(runId: runId, nil) }
            if let marks {
                try await s.setResourceWatermarks(
                    syncJobId: settings.syncJobId, integratedAccountId: settings.integratedAccountId, environmentId: env, runId: runId,
                    marks: marks, now: now
                )
            }
            let event = OutboxEvent.about(current, eventType, webhook: webhook, now: now, nextAttemptAt: claimUntil)
            if let event { try await s.enqueue([event]) }
            return (current, event)
        }
    }
}
