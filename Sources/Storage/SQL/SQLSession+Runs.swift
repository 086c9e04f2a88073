import Foundation
import SQLKit
import SyncBridgeCore

/// Leases and checkpoints of runs being executed.
extension SQLSession {
    /// Runs that can be taken at once: unfinished, not parked, and not leased (or leased with the lease expired).
    static let claimableStatuses = [SyncJobRun.Status.created, .running, .rateLimited].map(\.rawValue)
    /// Runs whose executor may save progress: the claimable ones and parked ones (whose claim resumes them).
    static let progressStatuses = claimableStatuses + [SyncJobRun.Status.waitingForWebhook.rawValue]

    /// A run of the same job on the same account holds a live lease, or is parked waiting for its webhook (one run at
    /// a time per job and account, in order).
    static func heldSibling(_ nowText: String) -> SQLQueryString {
        """
        EXISTS (SELECT 1 FROM sync_job_runs AS held WHERE held.sync_job_id = sync_job_runs.sync_job_id
          AND held.integrated_account_id = sync_job_runs.integrated_account_id AND held.id <> sync_job_runs.id
          AND (held.lease_expires_at >= \(bind: nowText) OR held.status = 'waiting_for_webhook'))
        """
    }

    /// Fewer than `bound` other runs of the same environment hold a live lease.
    static func environmentHasRoom(_ nowText: String, _ bound: Int) -> SQLQueryString {
        """
        (SELECT COUNT(*) FROM sync_job_runs AS busy WHERE busy.environment_id = sync_job_runs.environment_id
          AND busy.id <> sync_job_runs.id AND busy.lease_expires_at >= \(bind: nowText)) < \(bind: bound)
        """
    }

    func claimRun(owner: String, now: Date, leaseUntil: Date, perEnvironment: Int?) async throws -> ClaimedRun? {
        let nowText = Timestamp.format(now)
        var select = db.select().columns("id", "data", "sync_job_id", "integrated_account_id", "environment_id", "claims_without_progress")
            .from(SyncJobRun.table)
            .where { due in
                due.where("status", .in, Self.claimableStatuses).orWhere { parked in
                    parked.where("status", .equal, SyncJobRun.Status.waitingForWebhook.rawValue).where("next_attempt_at", .lessThanOrEqual, nowText)
                }
            }
            .where { $0.where("lease_expires_at", .is, SQLLiteral.null).orWhere("lease_expires_at", .lessThan, nowText) }
            .where(SQLQueryString("NOT ") + Self.heldSibling(nowText))
        if let perEnvironment { select = select.where(Self.environmentHasRoom(nowText, perEnvironment)) }
        select = select.orderBy("created_at").orderBy("id").limit(1)
        // Postgres: concurrent claimers skip each other's rows instead of waiting; SQLite's write lock already
        // serializes transactions.
        if flavor == .postgres { select = select.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) }
        guard let row = try await select.first() else { return nil }
        let id = try row.decode(column: "id", as: String.self)
        if flavor == .postgres {
            // Two claimers may pick two runs of the same job and account at once: serialize them on the pair, then
            // look again with a fresh statement, which sees the other's committed lease.
            let pair = try row.decode(column: "sync_job_id", as: String.self) + "/" + row.decode(column: "integrated_account_id", as: String.self)
            let locked = try await db.raw("SELECT pg_try_advisory_xact_lock(hashtext(\(bind: pair))) AS ok").first()
            guard try locked?.decode(column: "ok", as: Bool.self) == true else { return nil }
            let sibling = try await db.select().column("id").from(SyncJobRun.table).where("id", .equal, id)
                .where(Self.heldSibling(nowText)).first()
            if sibling != nil { return nil }
            if let perEnvironment {
                // Likewise two claimers may each see room for one more run of the environment.
                let env = "environment/" + (try row.decode(column: "environment_id", as: String.self))
                let envLocked = try await db.raw("SELECT pg_try_advisory_xact_lock(hashtext(\(bind: env))) AS ok").first()
                guard try envLocked?.decode(column: "ok", as: Bool.self) == true else { return nil }
                let room = try await db.select().column("id").from(SyncJobRun.table).where("id", .equal, id)
                    .where(Self.environmentHasRoom(nowText, perEnvironment)).first()
                if room == nil { return nil }
            }
        }
        let claims = try row.decode(column: "claims_without_progress", as: Int.self) + 1
        try await db.update(SyncJobRun.table)
            .set("lease_owner", to: owner).set("lease_expires_at", to: Timestamp.format(leaseUntil))
            .set("claims_without_progress", to: claims)
            .where("id", .equal, id).run()
        return ClaimedRun(run: try resource(SyncJobRun.self, from: row.decode(column: "data", as: String.self)), claimsWithoutProgress: claims)
    }

    func renewLease(runId: UUID, owner: String, until: Date) async throws -> Bool {
        // One statement (it runs after every page): the row comes back only when this owner still holds the lease.
        let held = try await db.update(SyncJobRun.table).set("lease_expires_at", to: Timestamp.format(until))
            .where("id", .equal, runId.lowercased).where("lease_owner", .equal, owner).returning("id").first()
        return held != nil
    }

    func releaseLease(runId: UUID, owner: String) async throws {
        // A lease given up (the run ended, or the process shuts down) is no crash: the count starts again.
        try await db.update(SyncJobRun.table)
            .set("lease_owner", to: SQLLiteral.null).set("lease_expires_at", to: SQLLiteral.null).set("claims_without_progress", to: 0)
            .where("id", .equal, runId.lowercased).where("lease_owner", .equal, owner).run()
    }

    func releaseLeases(owner: String?) async throws -> Int {
        var update = db.update(SyncJobRun.table)
            .set("lease_owner", to: SQLLiteral.null).set("lease_expires_at", to: SQLLiteral.null)
            .where("lease_owner", .isNot, SQLLiteral.null)
        if let owner { update = update.where("lease_owner", .equal, owner) }
        return try await update.returning("id").all().count
    }

    func checkpoint(runId: UUID) async throws -> JSONValue? {
        let row = try await db.select().column("checkpoint").from(SyncJobRun.table).where("id", .equal, runId.lowercased).first()
        guard let text = try row?.decode(column: "checkpoint", as: String?.self) else { return nil }
        return try JSONParser.parse(text)
    }

    /// The claim count once `checkpoint` is saved: a position that moved is progress (the run did not crash the
    /// process that reached it), so the count starts again.
    static func claimsAfterSaving(_ checkpoint: any SQLExpression) -> SQLQueryString {
        "CASE WHEN checkpoint = \(checkpoint) THEN claims_without_progress ELSE 0 END"
    }

    func setCheckpoint(runId: UUID, _ checkpoint: JSONValue?) async throws {
        let text = checkpoint.map { SQLBind($0.jsonString()) as any SQLExpression } ?? SQLLiteral.null
        try await db.update(SyncJobRun.table)
            .set("claims_without_progress", to: Self.claimsAfterSaving(text))
            .set("checkpoint", to: text)
            .where("id", .equal, runId.lowercased).run()
    }

    func saveProgress(_ run: SyncJobRun, checkpoint: JSONValue, owner: String, leaseUntil: Date?) async throws -> ProgressSave {
        let text = checkpoint.jsonString()
        let claims = Self.claimsAfterSaving(SQLBind(text))
        var update = db.update(SyncJobRun.table)
            .set("data", to: try document(run)).set("status", to: run.status.rawValue).set("updated_at", to: Timestamp.format(run.updatedAt))
            .set("next_attempt_at", to: run.nextAttemptAt.map { SQLBind(Timestamp.format($0)) as any SQLExpression } ?? SQLLiteral.null)
            .set("checkpoint", to: text)
        if let leaseUntil {
            update = update.set("claims_without_progress", to: claims).set("lease_expires_at", to: Timestamp.format(leaseUntil))
        } else {
            // Parked: the lease is given up with the save; a parked run is no crash, so the claim count starts again.
            update = update.set("claims_without_progress", to: 0).set("lease_owner", to: SQLLiteral.null).set("lease_expires_at", to: SQLLiteral.null)
        }
        let saved =
            try await update
            .where("id", .equal, run.id.lowercased).where("environment_id", .equal, run.environmentId.lowercased)
            .where("lease_owner", .equal, owner).where("status", .in, Self.progressStatuses)
            .returning("id").first()
        if saved != nil {
            effects.noteWrite(run)
            return .saved
        }
        // Only on the way out: tell a stop from a lost lease.
        let row = try await db.select().columns("status", "lease_owner").from(SyncJobRun.table).where("id", .equal, run.id.lowercased).first()
        guard let row, let status = SyncJobRun.Status(rawValue: try row.decode(column: "status", as: String.self)),
            Self.progressStatuses.contains(status.rawValue)
        else { return .stopped }
        return .leaseLost
    }

    func lastCompletedRunStart(syncJobId: UUID, integratedAccountId: UUID, environmentId: UUID) async throws -> Date? {
        let row = try await db.select().column("started_at").from(SyncJobRun.table)
            .where("environment_id", .equal, environmentId.lowercased)
            .where("sync_job_id", .equal, syncJobId.lowercased)
            .where("integrated_account_id", .equal, integratedAccountId.lowercased)
            .where("status", .equal, SyncJobRun.Status.completed.rawValue)
            .where("started_at", .isNot, SQLLiteral.null)
            .orderBy("started_at", .descending).limit(1).first()
        return try row?.decode(column: "started_at", as: String?.self).flatMap(Timestamp.parse)
    }
}
