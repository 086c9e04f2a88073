import Foundation
import Logging
import NIOPosix
import SQLKit
import SQLiteKit
import SyncBridgeCore

/// The embedded store: one SQLite file in WAL mode, written through a single connection.
///
/// SQLite allows one writer at a time anyway; one connection guarded by a lock turns contention into a queue instead
/// of `SQLITE_BUSY` errors. `synchronous=FULL` makes every commit durable before it is acknowledged.
public final class SQLiteStore: SQLStoreDriver {
    let connection: SQLiteConnection
    let mutex = AsyncMutex()
    let secrets: SecretBox
    /// Derived from `secrets` once, not per request.
    public let cursors: CursorSeal
    let logger: Logger
    public let runQueue = RunQueueSignal()
    public let accountLocks = KeyedLock()
    let flavor = SQLFlavor.sqlite
    let beginStatement = "BEGIN IMMEDIATE"
    /// The database file.
    public let path: String
    /// Held while this process owns the run queue (see ``SQLiteOwnerLock``).
    let ownerLock: SQLiteOwnerLock?

    private init(connection: SQLiteConnection, path: String, secrets: SecretBox, logger: Logger, ownerLock: SQLiteOwnerLock?) {
        self.ownerLock = ownerLock
        self.connection = connection
        self.path = path
        self.secrets = secrets
        self.cursors = CursorSeal(secrets: secrets)
        self.logger = logger
    }

    /// Opens (creating if needed) the database at `path`. Pass `":memory:"` for a private in-memory database.
    /// With `ownsQueue`, takes the file's owner lock first: a second engine process on the same file is refused
    /// with `database_in_use`.
    public static func open(path: String, secrets: SecretBox, logger: Logger, ownsQueue: Bool = false) async throws -> SQLiteStore {
        let lock = ownsQueue && path != ":memory:" ? try SQLiteOwnerLock(databasePath: path) : nil
        let storage: SQLiteConnection.Storage = path == ":memory:" ? .memory : .file(path: path)
        let connection = try await SQLiteConnection.open(
            storage: storage, threadPool: .singleton, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any()
        ).get()
        let store = SQLiteStore(connection: connection, path: path, secrets: secrets, logger: logger, ownerLock: lock)
        let db = connection.sql()
        if path != ":memory:" {
            try await db.raw("PRAGMA journal_mode=WAL").run()
        }
        try await db.raw("PRAGMA synchronous=FULL").run()
        try await db.raw("PRAGMA foreign_keys=ON").run()
        try await db.raw("PRAGMA busy_timeout=5000").run()
        return store
    }

    func withConnection<R: Sendable>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        await mutex.lock()
        do {
            let result = try await body(connection.sql())
            await mutex.unlock()
            return result
        } catch {
            await mutex.unlock()
            throw error
        }
    }

    func lockForMigration(_ db: any SQLDatabase) async throws {}

    /// With the owner lock, this process is the only engine on the file: every lease left in it belonged to an
    /// earlier process that is gone. Without it (a store opened for a command), nothing is freed.
    public func recoverLeases(workerId: String) async throws -> Int {
        guard ownerLock != nil else { return 0 }
        return try await transaction { try await $0.releaseLeases(owner: nil) }
    }

    public func close() async throws {
        try await connection.close().get()
    }
}
