import ArgumentParser
import Benchmarks
import SyncBridgeCore

@main
struct SyncBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syncbridge",
        abstract: "Self-hostable sync engine: pulls records from SaaS APIs and pushes them, page by page, to your webhook.",
        version: SyncBridgeVersion.current,
        subcommands: [
            ServeCommand.self, WorkerCommand.self, DemoCommand.self, MigrateCommand.self, TokenCommand.self, CronCommand.self, JSONataCommand.self,
            ValidateCommand.self, SandboxCommand.self, BenchCommand.self,
        ]
    )
}
