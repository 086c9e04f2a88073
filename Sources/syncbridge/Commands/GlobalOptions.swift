import ArgumentParser
import Foundation
import Logging
import Storage

/// Options shared by every command that opens the database.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"), help: "sqlite://path or postgres://… (env SYNCBRIDGE_DATABASE_URL; default sqlite://syncbridge.sqlite)")
    var databaseURL: String?

    @Option(name: .customLong("secret-key"), help: "Key that encrypts credentials at rest (env SYNCBRIDGE_SECRET_KEY; default: a generated key file)")
    var secretKey: String?

    @Option(name: .customLong("key-file"), help: "Where the generated key is kept when no secret key is given (env SYNCBRIDGE_KEY_FILE)")
    var keyFile: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical (env SYNCBRIDGE_LOG_LEVEL)")
    var logLevel: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var storeConfiguration: StoreConfiguration {
        StoreConfiguration(databaseURL: databaseURL ?? environment["SYNCBRIDGE_DATABASE_URL"] ?? "sqlite://syncbridge.sqlite")
    }

    func secretBox() throws -> SecretBox {
        if let key = secretKey ?? environment["SYNCBRIDGE_SECRET_KEY"], !key.isEmpty {
            return SecretBox(secret: key)
        }
        return try SecretBox.loadOrCreateKeyFile(at: keyFile ?? environment["SYNCBRIDGE_KEY_FILE"] ?? "syncbridge.key")
    }

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        let level = logLevel ?? environment["SYNCBRIDGE_LOG_LEVEL"] ?? "info"
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }

    func openStore(logger: Logger, ownsQueue: Bool = false) async throws -> any Store {
        try await storeConfiguration.open(secrets: try secretBox(), logger: logger, ownsQueue: ownsQueue)
    }
}
