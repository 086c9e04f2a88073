import Foundation
import SQLKit
import SyncBridgeCore

/// Outbox rows on their way to webhooks.
extension SQLSession {
    func pendingEvents(runId: UUID) async throws -> [OutboxEvent] {
        try await db.select().columns("*").from("outbox_events")
            .where("sync_job_run_id", .equal, runId.lowercased)
            .where("status", .equal, OutboxEvent.Status.pending.rawValue)
            .orderBy("seq").all().map(outboxEvent(from:))
    }

    func dueEvents(now: Date, limit: Int) async throws -> [OutboxEvent] {
        let finished = [SyncJobRun.Status.completed, .failed, .stopped].map(\.rawValue)
        let rows = try await db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("o")))
            .from(SQLAlias(SQLIdentifier("outbox_events"), as: SQLIdentifier("o")))
            .join(
                SQLAlias(SQLIdentifier(SyncJobRun.table), as: SQLIdentifier("r")), method: SQLJoinMethod.left,
                on: SQLColumn("id", table: "r"), .equal, SQLColumn("sync_job_run_id", table: "o")
            )
            .where(SQLColumn("status", table: "o"), .equal, SQLBind(OutboxEvent.Status.pending.rawValue))
            .where { g in
                g.where(SQLColumn("next_attempt_at", table: "o"), .is, SQLLiteral.null)
                    .orWhere(SQLColumn("next_attempt_at", table: "o"), .lessThanOrEqual, SQLBind(Timestamp.format(now)))
            }
            .where { g in
                g.where(SQLColumn("sync_job_run_id", table: "o"), .is, SQLLiteral.null)
                    .orWhere(SQLColumn("id", table: "r"), .is, SQLLiteral.null)
                    .orWhere(SQLColumn("status", table: "r"), .in, SQLBind.group(finished))
            }
            .orderBy(SQLColumn("seq", table: "o")).limit(limit).all()
        return try rows.map(outboxEvent(from:))
    }

    func claimEvent(id: UUID, now: Date, until: Date) async throws -> OutboxEvent? {
        var select = db.select().columns("*").from("outbox_events").where("id", .equal, id.lowercased)
        if flavor == .postgres { select = select.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) }
        guard let row = try await select.first() else { return nil }
        let event = try outboxEvent(from: row)
        guard event.status == .pending, event.nextAttemptAt.map({ $0 <= now }) ?? true else { return nil }
        try await db.update("outbox_events").set("next_attempt_at", to: Timestamp.format(until))
            .where("id", .equal, id.lowercased).run()
        return event
    }

    func recordAttempt(eventId: UUID, status: OutboxEvent.Status, attempts: Int, nextAttemptAt: Date?, lastError: String?) async throws {
        try await db.update("outbox_events")
            .set("status", to: status.rawValue).set("attempts", to: attempts)
            .set("next_attempt_at", to: nextAttemptAt.map { SQLBind(Timestamp.format($0)) as any SQLExpression } ?? SQLLiteral.null)
            .set("last_error", to: lastError.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
            .where("id", .equal, eventId.lowercased).run()
    }
}
