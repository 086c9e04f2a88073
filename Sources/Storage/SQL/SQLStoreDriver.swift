import Foundation
import Logging
import SQLKit
import SyncBridgeCore

/// What a SQL driver provides: a connection for the duration of a closure. Transactions and migrations are built on
/// it once, for both databases.
protocol SQLStoreDriver: Store {
    var flavor: SQLFlavor { get }
    var secrets: SecretBox { get }
    var logger: Logger { get }
    /// The statement that opens a write transaction (`BEGIN IMMEDIATE` on SQLite, so writers queue instead of failing).
    var beginStatement: String { get }
    /// Runs `body` with exclusive use of one connection.
    func withConnection<R: Sendable>(_ body: (any SQLDatabase) async throws -> R) async throws -> R
    /// Serializes concurrent migrators (an advisory lock on Postgres; the write lock suffices on SQLite).
    func lockForMigration(_ db: any SQLDatabase) async throws
}

extension SQLStoreDriver {
    public var driverName: String { flavor.rawValue }

    public func transaction<R: Sendable>(_ body: (any StoreSession) async throws -> R) async throws -> R {
        try await withConnection { db in
            try await db.raw(SQLQueryString(beginStatement)).run()
            do {
                let effects = CommitEffects()
                let result = try await body(SQLSession(db: db, flavor: flavor, secrets: secrets, effects: effects))
                try await Self.finish("COMMIT", on: db)
                if effects.runQueued { runQueue.signal() }
                return result
            } catch {
                do {
                    try await Self.finish("ROLLBACK", on: db)
                } catch let rollbackError {
                    logger.error("rollback failed", metadata: ["error": "\(rollbackError)"])
                }
                throw error
            }
        }
    }

    /// Ends the open transaction even when the calling task was cancelled: a transaction left open would poison the
    /// connection for every later caller.
    static func finish(_ statement: SQLQueryString, on db: any SQLDatabase) async throws {
        try await Task { try await db.raw(statement).run() }.value
    }

    public func migrate() async throws {
        try await withConnection { db in
            try await db.raw(SQLQueryString(beginStatement)).run()
            do {
                try await lockForMigration(db)
                try await db.raw(
                    "CREATE TABLE IF NOT EXISTS syncbridge_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                ).run()
                let applied = Set(
                    try await db.select().column("version").from("syncbridge_migrations").all()
                        .map { try $0.decode(column: "version", as: Int.self) }
                )
                for migration in Migrations.all where !applied.contains(migration.version) {
                    logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                    for statement in migration.statements {
                        let sql = statement.replacingOccurrences(of: "{{seq}}", with: flavor.autoIncrementKey)
                        try await db.raw(SQLQueryString(sql)).run()
                    }
                    try await db.insert(into: "syncbridge_migrations").columns("version", "name", "applied_at")
                        .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(Timestamp.format(Date()))).run()
                }
                try await db.raw("COMMIT").run()
            } catch {
                try? await Self.finish("ROLLBACK", on: db)
                throw error
            }
        }
    }

    /// The latest schema version this build knows.
    public var latestSchemaVersion: Int { Migrations.all.last?.version ?? 0 }
}
