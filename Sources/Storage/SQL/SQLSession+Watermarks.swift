import Foundation
import SQLKit
import SyncBridgeCore

/// Per-resource watermarks: where each resource of a job's incremental runs on an account starts.
extension SQLSession {
    static let watermarkTable = "resource_watermarks"

    func resourceWatermarks(syncJobId: UUID, integratedAccountId: UUID, environmentId: UUID) async throws -> [String: Date?] {
        let rows = try await db.select().columns("resource", "started_at").from(Self.watermarkTable)
            .where("environment_id", .equal, environmentId.lowercased)
            .where("sync_job_id", .equal, syncJobId.lowercased)
            .where("integrated_account_id", .equal, integratedAccountId.lowercased)
            .all()
        var marks: [String: Date?] = [:]
        for row in rows {
            let resource = try row.decode(column: "resource", as: String.self)
            marks[resource] = try row.decode(column: "started_at", as: String?.self).flatMap(Timestamp.parse)
        }
        return marks
    }

    func setResourceWatermarks(
        syncJobId: UUID, integratedAccountId: UUID, environmentId: UUID, runId: UUID, marks: [String: Date?], now: Date
    ) async throws {
        for (resource, start) in marks.sorted(by: { $0.key < $1.key }) {
            try await db.insert(into: Self.watermarkTable)
                .columns("environment_id", "sync_job_id", "integrated_account_id", "resource", "started_at", "run_id", "updated_at")
                .values(
                    SQLBind(environmentId.lowercased), SQLBind(syncJobId.lowercased), SQLBind(integratedAccountId.lowercased), SQLBind(resource),
                    start.map { SQLBind(Timestamp.format($0)) as any SQLExpression } ?? SQLLiteral.null, SQLBind(runId.lowercased),
                    SQLBind(Timestamp.format(now))
                )
                .onConflict(with: ["sync_job_id", "integrated_account_id", "resource"]) {
                    $0.set(excludedValueOf: "started_at").set(excludedValueOf: "run_id").set(excludedValueOf: "updated_at")
                }
                .run()
        }
    }
}
