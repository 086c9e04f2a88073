import ArgumentParser

public struct BenchCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures and ratios against a baseline measured in the same run (build with -c release).",
        subcommands: [
            ConnectorBench.self, CronBench.self, EngineBench.self, JSONBench.self, JSONataBench.self, SandboxBench.self, SchedulerBench.self,
            WorkersBench.self,
        ]
    )
}
