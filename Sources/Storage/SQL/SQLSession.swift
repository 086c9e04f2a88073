import Foundation
import SQLKit
import SyncBridgeCore

/// ``StoreSession`` over one SQLKit connection; the same SQL serves SQLite and PostgreSQL.
struct SQLSession: StoreSession {
    let db: any SQLDatabase
    let flavor: SQLFlavor
    let secrets: SecretBox
    /// What the transaction did that others must hear of once it commits.
    let effects: CommitEffects

    // MARK: Environments and tokens

    func insertEnvironment(_ e: Environment) async throws {
        try await db.insert(into: "environments").columns("id", "name", "created_at")
            .values(SQLBind(e.id.lowercased), SQLBind(e.name), SQLBind(Timestamp.format(e.createdAt))).run()
    }

    func environment(named name: String) async throws -> Environment? {
        guard
            let row = try await db.select().columns("id", "name", "created_at").from("environments")
                .where("name", .equal, name).first()
        else { return nil }
        return try Environment(
            id: uuid(row.decode(column: "id", as: String.self)), name: row.decode(column: "name", as: String.self),
            createdAt: date(row.decode(column: "created_at", as: String.self))
        )
    }

    func insertToken(_ t: APIToken) async throws {
        try await db.insert(into: "api_tokens").columns("id", "environment_id", "name", "token_hash", "created_at")
            .values(
                SQLBind(t.id.lowercased), SQLBind(t.environmentId.lowercased), SQLBind(t.name), SQLBind(t.tokenHash),
                SQLBind(Timestamp.format(t.createdAt))
            ).run()
    }

    func token(hash: String) async throws -> APIToken? {
        guard
            let row = try await db.select().columns("id", "environment_id", "name", "token_hash", "created_at")
                .from("api_tokens").where("token_hash", .equal, hash).first()
        else { return nil }
        return try APIToken(
            id: uuid(row.decode(column: "id", as: String.self)),
            environmentId: uuid(row.decode(column: "environment_id", as: String.self)),
            name: row.decode(column: "name", as: String.self), tokenHash: row.decode(column: "token_hash", as: String.self),
            createdAt: date(row.decode(column: "created_at", as: String.self))
        )
    }

    // MARK: Resources

    func insert<R: StoredResource>(_ r: R) async throws {
        var columns = ["id", "environment_id", "created_at", "updated_at", "data"]
        var values: [any SQLExpression] = [
            SQLBind(r.id.lowercased), SQLBind(r.environmentId.lowercased), SQLBind(Timestamp.format(r.createdAt)),
            SQLBind(Timestamp.format(r.updatedAt)), SQLBind(try document(r)),
        ]
        for (column, value) in Self.allIndexed(r) {
            columns.append(column)
            values.append(value.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
        }
        try await db.insert(into: R.table).columns(columns).values(values).run()
        effects.noteWrite(r)
    }

    func update<R: StoredResource>(_ r: R) async throws {
        var builder = db.update(R.table)
            .set("updated_at", to: Timestamp.format(r.updatedAt))
            .set("data", to: try document(r))
        for (column, value) in Self.allIndexed(r) {
            builder = builder.set(SQLIdentifier(column), to: value.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
        }
        try await builder.where("id", .equal, r.id.lowercased).where("environment_id", .equal, r.environmentId.lowercased).run()
        effects.noteWrite(r)
    }

    func fetch<R: StoredResource>(_ type: R.Type, id: UUID, environmentId: UUID, forUpdate: Bool) async throws -> R? {
        var query = db.select().column("data").from(R.table)
            .where("id", .equal, id.lowercased).where("environment_id", .equal, environmentId.lowercased)
        if forUpdate { query = query.for(.update) }
        guard let row = try await query.first() else { return nil }
        return try resource(R.self, from: row.decode(column: "data", as: String.self))
    }

    func delete<R: StoredResource>(_ type: R.Type, id: UUID, environmentId: UUID) async throws -> Bool {
        let existing = try await db.select().column("id").from(R.table)
            .where("id", .equal, id.lowercased).where("environment_id", .equal, environmentId.lowercased).first()
        guard existing != nil else { return false }
        try await db.delete(from: R.table)
            .where("id", .equal, id.lowercased).where("environment_id", .equal, environmentId.lowercased).run()
        return true
    }

    func list<R: StoredResource>(_ type: R.Type, environmentId: UUID, query: ListQuery) async throws -> ListPage<R> {
        var select = db.select().columns("data", "created_at", "id").from(R.table)
            .where("environment_id", .equal, environmentId.lowercased)
        for (column, value) in query.equals.sorted(by: { $0.key < $1.key }) {
            select = select.where(SQLIdentifier(column), .equal, SQLBind(value))
        }
        for range in query.ranges {
            let op: SQLBinaryOperator =
                switch range.op {
                case .gt: .greaterThan
                case .gte: .greaterThanOrEqual
                case .lt: .lessThan
                case .lte: .lessThanOrEqual
                }
            select = select.where(SQLIdentifier(range.column), op, SQLBind(Timestamp.format(range.value)))
        }
        if let cursor = query.cursor {
            select = select.where { group in
                group.where("created_at", .lessThan, cursor.createdAt).orWhere { inner in
                    inner.where("created_at", .equal, cursor.createdAt).where("id", .lessThan, cursor.id)
                }
            }
        }
        let rows = try await select.orderBy("created_at", .descending).orderBy("id", .descending).limit(query.limit + 1).all()
        var items: [R] = []
        for row in rows.prefix(query.limit) {
            items.append(try resource(R.self, from: row.decode(column: "data", as: String.self)))
        }
        var next: ListCursor?
        if rows.count > query.limit, let last = rows.prefix(query.limit).last {
            next = ListCursor(
                createdAt: try last.decode(column: "created_at", as: String.self), id: try last.decode(column: "id", as: String.self)
            )
        }
        return ListPage(items: items, nextCursor: next)
    }

    func count<R: StoredResource>(_ type: R.Type, environmentId: UUID, where filters: [String: String]) async throws -> Int {
        var select = db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(R.table)
            .where("environment_id", .equal, environmentId.lowercased)
        for (column, value) in filters.sorted(by: { $0.key < $1.key }) {
            select = select.where(SQLIdentifier(column), .equal, SQLBind(value))
        }
        guard let row = try await select.first() else { return 0 }
        return try row.decode(column: "n", as: Int.self)
    }

    // MARK: Outbox

    func enqueue(_ events: [OutboxEvent]) async throws {
        for e in events {
            try await db.insert(into: "outbox_events")
                .columns(
                    "id", "environment_id", "webhook_id", "event", "payload", "created_at", "status", "attempts",
                    "next_attempt_at", "last_error", "sync_job_run_id"
                )
                .values(
                    SQLBind(e.id.lowercased), SQLBind(e.environmentId.lowercased), SQLBind(e.webhookId.lowercased),
                    SQLBind(e.event), SQLBind(e.payload.jsonString()), SQLBind(Timestamp.format(e.createdAt)),
                    SQLBind(e.status.rawValue), SQLBind(e.attempts), SQLBind(e.nextAttemptAt.map(Timestamp.format)),
                    SQLBind(e.lastError), SQLBind(e.runId?.lowercased)
                ).run()
        }
    }

    func outbox(environmentId: UUID, limit: Int) async throws -> [OutboxEvent] {
        let rows = try await db.select().columns("*").from("outbox_events")
            .where("environment_id", .equal, environmentId.lowercased).orderBy("seq").limit(limit).all()
        return try rows.map(outboxEvent(from:))
    }

    /// Reads one outbox row.
    func outboxEvent(from row: any SQLRow) throws -> OutboxEvent {
        try OutboxEvent(
            id: uuid(row.decode(column: "id", as: String.self)),
            environmentId: uuid(row.decode(column: "environment_id", as: String.self)),
            webhookId: uuid(row.decode(column: "webhook_id", as: String.self)),
            runId: row.decode(column: "sync_job_run_id", as: String?.self).flatMap(UUID.init(uuidString:)),
            event: row.decode(column: "event", as: String.self),
            payload: JSONParser.parse(row.decode(column: "payload", as: String.self)),
            createdAt: date(row.decode(column: "created_at", as: String.self)),
            status: OutboxEvent.Status(rawValue: row.decode(column: "status", as: String.self)) ?? .pending,
            attempts: row.decode(column: "attempts", as: Int.self),
            nextAttemptAt: row.decode(column: "next_attempt_at", as: String?.self).flatMap(Timestamp.parse),
            lastError: row.decode(column: "last_error", as: String?.self)
        )
    }

    // MARK: Documents

    /// Every indexed column of the table, with nil for those the resource leaves empty (so updates clear them).
    static func allIndexed<R: StoredResource>(_ r: R) -> [(String, String?)] {
        let values = r.indexedColumns
        let names = Set(values.keys).union(R.filterColumns).union(R.clearableColumns).sorted()
        return names.map { ($0, values[$0]) }
    }

    /// The stored JSON text of a resource, its sealed members encrypted.
    func document<R: StoredResource>(_ r: R) throws -> String {
        guard case .object(var members) = r.stored else { return r.stored.jsonString() }
        for key in R.sealedMembers {
            guard let value = members[key] else { continue }
            members[key] = .string(try secrets.seal(value.jsonString()))
        }
        StoredFormat.stamp(&members)
        return JSONValue.object(members).jsonString()
    }

    /// Rebuilds a resource from its stored JSON text.
    func resource<R: StoredResource>(_ type: R.Type, from text: String) throws -> R {
        guard case .object(var members) = try JSONParser.parse(text) else {
            throw SyncBridgeError(.internalError, code: "corrupt_record", message: "\(R.table) row is not a JSON object")
        }
        try StoredFormat.lift(&members, table: R.table)
        for key in R.sealedMembers {
            guard case .string(let sealed)? = members[key] else { continue }
            members[key] = try JSONParser.parse(try secrets.open(sealed))
        }
        return try R(stored: .object(members))
    }

    func uuid(_ s: String) throws -> UUID {
        guard let id = UUID(uuidString: s) else {
            throw SyncBridgeError(.internalError, code: "corrupt_record", message: "'\(s)' is not a UUID")
        }
        return id
    }

    func date(_ s: String) throws -> Date {
        guard let d = Timestamp.parse(s) else {
            throw SyncBridgeError(.internalError, code: "corrupt_record", message: "'\(s)' is not a timestamp")
        }
        return d
    }
}
