import Foundation
import SQLKit
import SyncBridgeCore

/// Cron scheduling: due triggers by their indexed next fire time, and the fire log whose primary key makes each slot
/// fire once.
extension SQLSession {
    func dueTriggers(now: Date, limit: Int) async throws -> [SyncJobCronTrigger] {
        var select = db.select().column("data").from(SyncJobCronTrigger.table)
            .where("status", .equal, SyncJobCronTrigger.Status.active.rawValue)
            .where("next_fire_at", .isNot, SQLLiteral.null)
            .where("next_fire_at", .lessThanOrEqual, Timestamp.format(now))
            .orderBy("next_fire_at").limit(limit)
        if flavor == .postgres { select = select.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) }
        return try await select.all().map { try resource(SyncJobCronTrigger.self, from: $0.decode(column: "data", as: String.self)) }
    }

    func earliestFireTime() async throws -> Date? {
        let row = try await db.select().column(SQLFunction("MIN", args: SQLIdentifier("next_fire_at")), as: "t")
            .from(SyncJobCronTrigger.table).where("status", .equal, SyncJobCronTrigger.Status.active.rawValue).first()
        return try row?.decode(column: "t", as: String?.self).flatMap(Timestamp.parse)
    }

    func recordFire(_ fire: CronFire) async throws {
        try await db.insert(into: "cron_fires")
            .columns("trigger_id", "scheduled_at", "environment_id", "outcome", "run_id", "reason", "fired_at")
            .values(
                SQLBind(fire.triggerId.lowercased), SQLBind(Timestamp.format(fire.scheduledAt)), SQLBind(fire.environmentId.lowercased),
                SQLBind(fire.outcome.rawValue), fire.runId.map { SQLBind($0.lowercased) as any SQLExpression } ?? SQLLiteral.null,
                fire.reason.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null, SQLBind(Timestamp.format(fire.firedAt))
            ).run()
    }

    func fires(triggerId: UUID, limit: Int) async throws -> [CronFire] {
        try await db.select().columns("trigger_id", "scheduled_at", "environment_id", "outcome", "run_id", "reason", "fired_at")
            .from("cron_fires").where("trigger_id", .equal, triggerId.lowercased)
            .orderBy("scheduled_at", .descending).limit(limit).all().map { row in
                CronFire(
                    triggerId: try uuid(row.decode(column: "trigger_id", as: String.self)),
                    environmentId: try uuid(row.decode(column: "environment_id", as: String.self)),
                    scheduledAt: try date(row.decode(column: "scheduled_at", as: String.self)),
                    outcome: CronFire.Outcome(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .skipped,
                    runId: try row.decode(column: "run_id", as: String?.self).map(uuid),
                    reason: try row.decode(column: "reason", as: String?.self),
                    firedAt: try date(row.decode(column: "fired_at", as: String.self))
                )
            }
    }

    func hasUnfinishedRun(cronTriggerId: UUID, environmentId: UUID) async throws -> Bool {
        let unfinished = SyncJobRun.Status.allCases.filter { !$0.isFinished }.map(\.rawValue)
        let row = try await db.select().column("id").from(SyncJobRun.table)
            .where("environment_id", .equal, environmentId.lowercased)
            .where("sync_job_cron_trigger_id", .equal, cronTriggerId.lowercased)
            .where("status", .in, unfinished).limit(1).first()
        return row != nil
    }

    func find<R: StoredResource>(_ type: R.Type, id: UUID, forUpdate: Bool) async throws -> R? {
        var query = db.select().column("data").from(R.table).where("id", .equal, id.lowercased)
        if forUpdate { query = query.for(.update) }
        guard let row = try await query.first() else { return nil }
        return try resource(R.self, from: row.decode(column: "data", as: String.self))
    }

    func duePushTriggers(now: Date, limit: Int) async throws -> [SyncJobPushTrigger] {
        var select = db.select().column("data").from(SyncJobPushTrigger.table)
            .where("status", .equal, SyncJobPushTrigger.Status.active.rawValue)
            .where("due_at", .isNot, SQLLiteral.null)
            .where("due_at", .lessThanOrEqual, Timestamp.format(now))
            .orderBy("due_at").limit(limit)
        if flavor == .postgres { select = select.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) }
        return try await select.all().map { try resource(SyncJobPushTrigger.self, from: $0.decode(column: "data", as: String.self)) }
    }
}
