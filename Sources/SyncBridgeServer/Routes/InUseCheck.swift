import Foundation
import Storage
import SyncBridgeCore

/// Refuses (409) to delete a webhook, account or job that unfinished runs or cron, event or push triggers still point
/// at. (A push trigger left without its account could never unregister its webhook and trigger at the provider.)
enum InUseCheck {
    /// - Parameters:
    ///   - column: the runs' and triggers' column that references the resource (`webhook_id`).
    ///   - noun: how the message names the resource (`Webhook`).
    static func ensureUnused(
        column: String, id: UUID, environmentId: UUID, session: any StoreSession, code: String, noun: String
    ) async throws {
        var unfinished = 0
        for status in SyncJobRun.Status.allCases where !status.isFinished {
            unfinished += try await session.count(
                SyncJobRun.self, environmentId: environmentId, where: [column: id.lowercased, "status": status.rawValue]
            )
        }
        var triggers = try await session.count(SyncJobCronTrigger.self, environmentId: environmentId, where: [column: id.lowercased])
        if SyncJobEventTrigger.filterColumns.contains(column) {
            triggers += try await session.count(SyncJobEventTrigger.self, environmentId: environmentId, where: [column: id.lowercased])
        }
        if SyncJobPushTrigger.filterColumns.contains(column) {
            triggers += try await session.count(SyncJobPushTrigger.self, environmentId: environmentId, where: [column: id.lowercased])
        }
        if unfinished > 0 || triggers > 0 {
            throw SyncBridgeError(
                .conflict, code: code,
                message: "\(noun) is used by \(unfinished) unfinished run(s) and \(triggers) trigger(s); stop or delete those first."
            )
        }
    }
}
