import AsyncKit
import Foundation
import Logging
import NIOPosix
import PostgresKit
import SQLKit
import SyncBridgeCore
import Synchronization

/// The shared store: PostgreSQL through a connection pool, for several SyncBridge processes on one database.
///
/// `@unchecked Sendable`: the only mutable state is inside async-kit's pool, which guards it with its own lock
/// (it is documented as usable from any thread) but does not declare `Sendable`.
public final class PostgresStore: SQLStoreDriver, @unchecked Sendable {
    let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    let secrets: SecretBox
    /// Derived from `secrets` once, not per request.
    public let cursors: CursorSeal
    let logger: Logger
    public let runQueue = RunQueueSignal()
    public let accountLocks = KeyedLock()
    let flavor = SQLFlavor.postgres
    let beginStatement = "BEGIN"
    /// The connection holding this process's worker-id lock, once ``recoverLeases(workerId:)`` took it.
    let workerLock = Mutex<(id: String, connection: PostgresConnection)?>(nil)

    /// Connects to `url` (`postgres://user:pass@host:port/db`, optionally `?search_path=schema`). `searchPath`
    /// selects a schema (tests use one each); it overrides the URL's.
    public init(url: String, searchPath: [String]? = nil, maxConnections: Int = 8, secrets: SecretBox, logger: Logger) throws {
        var url = url
        var pathFromURL: [String]?
        if var components = URLComponents(string: url), let items = components.queryItems, let item = items.first(where: { $0.name == "search_path" })
        {
            pathFromURL = item.value?.split(separator: ",").map(String.init)
            components.queryItems = items.filter { $0.name != "search_path" }
            if components.queryItems?.isEmpty == true { components.queryItems = nil }
            url = components.string ?? url
        }
        var configuration = try SQLPostgresConfiguration(url: url)
        configuration.searchPath = searchPath ?? pathFromURL
        self.pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: max(1, maxConnections / System.coreCount),
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton
        )
        self.secrets = secrets
        self.cursors = CursorSeal(secrets: secrets)
        self.logger = logger
    }

    func withConnection<R: Sendable>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        let connection = try await pool.requestConnection(logger: logger).get()
        defer { pool.releaseConnection(connection, logger: logger) }
        return try await body(connection.sql())
    }

    func lockForMigration(_ db: any SQLDatabase) async throws {
        // An arbitrary constant key: every SyncBridge process migrating the same database waits here in turn.
        try await db.raw("SELECT pg_advisory_xact_lock(7261537900)").run()
    }

    /// Takes a session advisory lock on the worker id (keyed by schema too, so schemas on one server stay apart) on a
    /// connection kept out of the pool until ``close()``, then frees the leases that carry the id. Taking the id this
    /// store already holds (a second engine in the same process) only frees the leases.
    public func recoverLeases(workerId: String) async throws -> Int {
        if workerLock.withLock({ $0?.id }) != workerId {
            let connection = try await pool.requestConnection(logger: logger).get()
            let key = "syncbridge worker " + workerId
            let row = try await connection.sql().raw("SELECT pg_try_advisory_lock(hashtext(current_schema() || '/' || \(bind: key))) AS ok").first()
            guard try row?.decode(column: "ok", as: Bool.self) == true else {
                pool.releaseConnection(connection, logger: logger)
                throw SyncBridgeError(
                    .conflict, code: "worker_id_in_use",
                    message: "Another live process works as worker '\(workerId)' on this database; give each process its own --worker-id."
                )
            }
            let previous = workerLock.withLock { held in
                defer { held = (workerId, connection) }
                return held?.connection
            }
            if let previous {
                // A second id for this store: closing the old session ends the old id's lock.
                try? await previous.close().get()
                pool.releaseConnection(previous, logger: logger)
            }
        }
        return try await transaction { try await $0.releaseLeases(owner: workerId) }
    }

    public func close() async throws {
        if let held = workerLock.withLock({ held in
            defer { held = nil }
            return held?.connection
        }) {
            // Closing the session ends its advisory lock.
            try? await held.close().get()
            pool.releaseConnection(held, logger: logger)
        }
        try await pool.shutdownAsync()
    }
}

extension PostgresStore {
    /// Creates a schema (used to isolate tests and tenants that share one database).
    public func createSchema(_ name: String) async throws {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw SyncBridgeError(.badRequest, code: "invalid_schema_name", message: "Schema names may contain letters, digits and '_' only.")
        }
        try await withConnection { db in try await db.raw(SQLQueryString("CREATE SCHEMA IF NOT EXISTS \(name)")).run() }
    }
}
