import Foundation
import SQLKit
import SyncBridgeCore

/// Request budgets: one pacer row per integrated account and endpoint class, locked while a slot is taken.
extension SQLSession {
    static let requestBudgetTable = "request_budgets"

    func lockRequestPacer(account: UUID, endpointClass: EndpointClass, initial: RequestPacer, now: Date) async throws -> RequestPacer {
        // Created first (a no-op when it exists), so the row lock below holds even for an account's first request.
        try await db.insert(into: Self.requestBudgetTable)
            .columns("integrated_account_id", "endpoint_class", "per_minute", "learned", "next_slot", "blocked_until", "updated_at")
            .values(Self.values(account: account, endpointClass: endpointClass, initial, now: now))
            .ignoringConflicts(with: ["integrated_account_id", "endpoint_class"])
            .run()
        return try await pacer(account: account, endpointClass: endpointClass, forUpdate: true) ?? initial
    }

    func saveRequestPacer(account: UUID, endpointClass: EndpointClass, _ pacer: RequestPacer, now: Date) async throws {
        try await db.update(Self.requestBudgetTable)
            .set("per_minute", to: pacer.perMinute.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
            .set("learned", to: SQLBind(pacer.learned ? 1 : 0))
            .set("next_slot", to: SQLBind(Self.seconds(pacer.nextSlot)))
            .set("blocked_until", to: pacer.blockedUntil.map { SQLBind(Self.seconds($0)) as any SQLExpression } ?? SQLLiteral.null)
            .set("updated_at", to: SQLBind(Timestamp.format(now)))
            .where("integrated_account_id", .equal, account.lowercased).where("endpoint_class", .equal, endpointClass.rawValue)
            .run()
    }

    func requestPacer(account: UUID, endpointClass: EndpointClass) async throws -> RequestPacer? {
        try await pacer(account: account, endpointClass: endpointClass, forUpdate: false)
    }

    private func pacer(account: UUID, endpointClass: EndpointClass, forUpdate: Bool) async throws -> RequestPacer? {
        var query = db.select().columns("per_minute", "learned", "next_slot", "blocked_until").from(Self.requestBudgetTable)
            .where("integrated_account_id", .equal, account.lowercased).where("endpoint_class", .equal, endpointClass.rawValue)
        if forUpdate { query = query.for(.update) }
        guard let row = try await query.first() else { return nil }
        return RequestPacer(
            perMinute: try row.decode(column: "per_minute", as: Double?.self),
            learned: try row.decode(column: "learned", as: Int.self) != 0,
            nextSlot: Date(timeIntervalSince1970: try row.decode(column: "next_slot", as: Double.self)),
            blockedUntil: try row.decode(column: "blocked_until", as: Double?.self).map(Date.init(timeIntervalSince1970:))
        )
    }

    private static func values(account: UUID, endpointClass: EndpointClass, _ pacer: RequestPacer, now: Date) -> [any SQLExpression] {
        [
            SQLBind(account.lowercased), SQLBind(endpointClass.rawValue),
            pacer.perMinute.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null, SQLBind(pacer.learned ? 1 : 0),
            SQLBind(seconds(pacer.nextSlot)), pacer.blockedUntil.map { SQLBind(seconds($0)) as any SQLExpression } ?? SQLLiteral.null,
            SQLBind(Timestamp.format(now)),
        ]
    }

    /// Seconds since 1970; the distant past (a pacer never used) is stored as 0.
    private static func seconds(_ date: Date) -> Double { max(0, date.timeIntervalSince1970) }
}
