import Foundation

/// CPU time the whole process has used (user + system), so a phase can report how busy it kept the machine —
/// steadier on a shared machine than its wall-clock time.
enum ProcessCPU {
    /// Seconds of CPU used so far.
    static func seconds() -> Double {
        var usage = rusage()
        guard getrusage(Int32(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        func value(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }

    /// Runs `body`; returns its result and the CPU seconds the process used meanwhile.
    static func measure<R>(_ body: () async throws -> R) async rethrows -> (R, Double) {
        let before = seconds()
        let result = try await body()
        return (result, seconds() - before)
    }
}
