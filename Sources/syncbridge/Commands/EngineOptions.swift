import ArgumentParser
import Engine
import Foundation

/// Options of the commands that run the engine.
struct EngineOptions: ParsableArguments {
    @Option(help: "Runs executed at once by this process (env SYNCBRIDGE_MAX_CONCURRENT_RUNS, default 4)")
    var maxConcurrentRuns: Int?

    @Option(help: "Seconds a claimed run stays leased without renewal (env SYNCBRIDGE_LEASE_SECONDS, default 30)")
    var leaseSeconds: Double?

    @Option(help: "Name of this worker in run leases (env SYNCBRIDGE_WORKER_ID, default host:pid)")
    var workerId: String?

    var configuration: EngineConfiguration {
        let env = ProcessInfo.processInfo.environment
        var c = EngineConfiguration(workerId: workerId ?? env["SYNCBRIDGE_WORKER_ID"] ?? EngineConfiguration.defaultWorkerId)
        if let n = maxConcurrentRuns ?? env["SYNCBRIDGE_MAX_CONCURRENT_RUNS"].flatMap(Int.init) { c.maxConcurrentRuns = max(1, n) }
        if let s = leaseSeconds ?? env["SYNCBRIDGE_LEASE_SECONDS"].flatMap(Double.init) { c.leaseDuration = max(1, s) }
        return c
    }
}
