import AsyncKit
import Foundation
import Logging
import NIOPosix
import PostgresKit
import SQLKit
import SyncBridgeCore

/// The shared store: PostgreSQL through a connection pool, for several SyncBridge processes on one database.
///
/// `@unchecked Sendable`: the only mutable state is inside async-kit's pool, which guards it with its own lock
/// (it is documented as usable from any thread) but does not declare `Sendable`.
public final class PostgresStore: SQLStoreDriver, @unchecked Sendable {
    let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    let secrets: SecretBox
    let logger: Logger
    public let runQueue = RunQueueSignal()
    let flavor = SQLFlavor.postgres
    let beginStatement = "BEGIN"

    /// Connects to `url` (`postgres://user:pass@host:port/db`, optionally `?search_path=schema`). `searchPath`
    /// selects a schema (tests use one each); it overrides the URL's.
    public init(url: String, searchPath: [String]? = nil, maxConnections: Int = 8, secrets: SecretBox, logger: Logger) throws {
        var url = url
        var pathFromURL: [String]?
        if var components = URLComponents(string: url), let items = components.queryItems, let item = items.first(where: { $0.name == "search_path" }) {
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

    public func close() async throws {
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
