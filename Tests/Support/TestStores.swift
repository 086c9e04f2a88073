import Foundation
import Logging
import Storage
import Testing

/// The two storage drivers every storage and API test runs against.
public enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    public var testDescription: String { rawValue }

    /// The drivers tests can run against here: SQLite always, PostgreSQL when `SYNCBRIDGE_TEST_POSTGRES_URL` is set.
    /// Each test target also has a `postgresIsAvailable` test that is reported as skipped, with the reason, when it
    /// is not, so a missing database never goes unnoticed.
    public static var available: [StoreKind] { TestStores.postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

/// Why Postgres cases are absent.
public let postgresMissingReason: Comment = "SYNCBRIDGE_TEST_POSTGRES_URL is not set, so every PostgreSQL case is skipped: run scripts/test, which starts a throwaway PostgreSQL"

/// Real stores for tests: a fresh SQLite file in a temporary folder, or a fresh schema in the PostgreSQL database
/// named by `SYNCBRIDGE_TEST_POSTGRES_URL`.
public enum TestStores {
    /// The Postgres URL, when the environment provides one.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SYNCBRIDGE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A key for sealing secrets in tests.
    public static let secrets = SecretBox(secret: "test-secret-key")

    /// A quiet logger.
    public static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["SYNCBRIDGE_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }

    /// Where a test database lives, so a test can reopen it (restart persistence).
    public struct Location: Sendable {
        public let kind: StoreKind
        /// The SQLite file, or the Postgres schema.
        public let name: String

        /// Opens (and migrates) the store at this location.
        public func open() async throws -> any Store {
            switch kind {
            case .sqlite:
                return try await StoreConfiguration(databaseURL: "sqlite://\(name)").open(secrets: TestStores.secrets, logger: TestStores.logger)
            case .postgres:
                let store = try PostgresStore(url: TestStores.postgresURL!, searchPath: [name], maxConnections: 4, secrets: TestStores.secrets, logger: TestStores.logger)
                try await store.migrate()
                return store
            }
        }
    }

    /// A new, empty database location of the given kind. Postgres tests are cancelled (reported, with the reason)
    /// when `SYNCBRIDGE_TEST_POSTGRES_URL` is not set; `scripts/test` always sets it.
    public static func newLocation(_ kind: StoreKind) async throws -> Location {
        switch kind {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return Location(kind: .sqlite, name: dir.appendingPathComponent("test.sqlite").path)
        case .postgres:
            guard let url = postgresURL else {
                try Test.cancel("SYNCBRIDGE_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL")
            }
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try PostgresStore(url: url, maxConnections: 1, secrets: secrets, logger: logger)
            try await admin.createSchema(schema)
            try await admin.close()
            return Location(kind: .postgres, name: schema)
        }
    }

    /// A new, migrated, empty store.
    public static func make(_ kind: StoreKind) async throws -> any Store {
        try await newLocation(kind).open()
    }
}

/// Runs `body` with a fresh store and closes it afterwards, whatever happens.
public func withStore<R>(_ kind: StoreKind, _ body: (any Store) async throws -> R) async throws -> R {
    let store = try await TestStores.make(kind)
    do {
        let result = try await body(store)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}
