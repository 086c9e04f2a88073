import Foundation
import Synchronization

/// The process's resident set size, sampled while a measured phase runs, so each phase reports its own peak
/// (the kernel's VmHWM only ever grows over the whole process).
final class ResidentMemory: Sendable {
    private let peak = Mutex(0)

    /// Current resident set size in bytes (from /proc/self/statm; 0 where unavailable).
    static func current() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Runs `body` while sampling every 10 ms; returns its result and the peak RSS seen.
    static func peak<R: Sendable>(during body: @Sendable () async throws -> R) async throws -> (R, Int) {
        let sampler = ResidentMemory()
        return try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    sampler.sample()
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return nil
            }
            let result = try await body()
            group.cancelAll()
            sampler.sample()
            return (result, sampler.peak.withLock { $0 })
        }
    }

    private func sample() {
        let now = Self.current()
        peak.withLock { $0 = max($0, now) }
    }
}
