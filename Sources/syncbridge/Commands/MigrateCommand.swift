import ArgumentParser
import Storage

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending database migrations and exit.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let logger = store.logger("syncbridge.migrate")
        let database = try await store.openStore(logger: logger)
        try await database.close()
        print("Database is up to date (\(database.driverName)).")
    }
}
