import Foundation
import Logging
import SyncBridgeCore

/// Which database to use, from `SYNCBRIDGE_DATABASE_URL`: `sqlite://path` (default `./syncbridge.sqlite`) or
/// `postgres://…`.
public struct StoreConfiguration: Sendable, Equatable {
    /// The database URL.
    public var databaseURL: String

    /// Creates a configuration.
    public init(databaseURL: String = "sqlite://syncbridge.sqlite") {
        self.databaseURL = databaseURL
    }

    /// The SQLite file path, when the URL is a `sqlite:` one.
    public var sqlitePath: String? {
        for prefix in ["sqlite://", "sqlite:"] where databaseURL.hasPrefix(prefix) {
            let path = String(databaseURL.dropFirst(prefix.count))
            return path.isEmpty ? "syncbridge.sqlite" : path
        }
        return nil
    }

    /// Opens the store the URL names and applies pending migrations.
    /// Opens and migrates the store. `ownsQueue` (serve, worker, demo) makes a SQLite file refuse a second such process.
    public func open(secrets: SecretBox, logger: Logger, ownsQueue: Bool = false) async throws -> any Store {
        let store: any Store
        if let path = sqlitePath {
            store = try await SQLiteStore.open(path: path, secrets: secrets, logger: logger, ownsQueue: ownsQueue)
        } else if databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://") {
            store = try PostgresStore(url: databaseURL, secrets: secrets, logger: logger)
        } else {
            throw SyncBridgeError(
                .badRequest, code: "invalid_database_url",
                message: "SYNCBRIDGE_DATABASE_URL must start with sqlite:// or postgres:// (got '\(databaseURL)')"
            )
        }
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }
}
