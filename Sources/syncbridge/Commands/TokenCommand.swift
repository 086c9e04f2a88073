import ArgumentParser
import Logging
import Storage
import SyncBridgeCore

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token and print it (only the token, on stdout). It cannot be shown again."
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "A name for the token (who or what uses it)")
        var name: String

        @Option(help: "The environment the token belongs to (created if missing)")
        var environment: String = "default"

        func run() async throws {
            let logger = store.logger("syncbridge.token")
            let database = try await store.openStore(logger: logger)
            let (token, env) = try await TokenIssuer(store: database).createToken(name: name, environment: environment)
            try await database.close()
            logger.info("token created", metadata: ["environment": "\(env.name)", "name": "\(name)"])
            print(token)
        }
    }
}
