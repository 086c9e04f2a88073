import Foundation
import Logging
import Storage
import Testing

/// The two storage drivers every storage and API test runs against.
public enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    public var testDescription: String { rawValue }

    /// The drivers every store-parameterized test runs against: both, always. Without `SYNCBRIDGE_TEST_POSTGRES_URL`
    /// each PostgreSQL case fails with the reason — unless `SYNCBRIDGE_ALLOW_MISSING_POSTGRES=1` opts out, which
    /// leaves them out and reports each target's `postgresIsAvailable` test as skipped, with the reason.
    public static var available: [StoreKind] { TestStores.postgresOptedOut ? [.sqlite] : [.sqlite, .postgres] }
}

/// Why Postgres cases are absent (shown on the skipped `postgresIsAvailable` tests).
public let postgresMissingReason: Comment =
    "NOT RUN: SYNCBRIDGE_ALLOW_MISSING_POSTGRES=1 and no SYNCBRIDGE_TEST_POSTGRES_URL, so every PostgreSQL case is left out; run scripts/test, which starts a throwaway PostgreSQL"

/// Real stores for tests: a fresh SQLite file in a temporary folder, or a fresh schema in the PostgreSQL database
/// named by `SYNCBRIDGE_TEST_POSTGRES_URL`.
public enum TestStores {
    /// No PostgreSQL, and the run says that is fine (`SYNCBRIDGE_ALLOW_MISSING_POSTGRES=1`).
    public static var postgresOptedOut: Bool {
        postgresURL == nil && ProcessInfo.processInfo.environment["SYNCBRIDGE_ALLOW_MISSING_POSTGRES"] == "1"
    }

    /// Whether the `postgresIsAvailable` checks run: always, unless opted out.
    public static var checksPostgres: Bool { !postgresOptedOut }

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
                let store = try PostgresStore(
                    url: TestStores.postgresURL!, searchPath: [name], maxConnections: 4, secrets: TestStores.secrets, logger: TestStores.logger)
                try await store.migrate()
                return store
            }
        }
    }

    /// A new, empty database location of the given kind. A Postgres case fails, with the reason, when
    /// `SYNCBRIDGE_TEST_POSTGRES_URL` is not set; `scripts/test` always sets it.
    public static func newLocation(_ kind: StoreKind) async throws -> Location {
        switch kind {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return Location(kind: .sqlite, name: dir.appendingPathComponent("test.sqlite").path)
        case .postgres:
            guard let url = postgresURL else {
                throw MissingPostgres()
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

/// A PostgreSQL case without a PostgreSQL: the case fails with this reason.
public struct MissingPostgres: Error, CustomStringConvertible {
    public var description: String {
        "SYNCBRIDGE_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL (or opt out with SYNCBRIDGE_ALLOW_MISSING_POSTGRES=1)"
    }
}

/// Runs `body` with a fresh store and closes it afterwards, whatever happens.
public func withStore<R>(_ kind: StoreKind, _ body: (any Store) async throws -> R) async throws -> R {
    try await withStore(at: try await TestStores.newLocation(kind), body)
}

/// Runs `body` with the store at `location` and closes it afterwards, whatever happens.
public func withStore<R>(at location: TestStores.Location, _ body: (any Store) async throws -> R) async throws -> R {
    let store = try await location.open()
    do {
        let result = try await body(store)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}
