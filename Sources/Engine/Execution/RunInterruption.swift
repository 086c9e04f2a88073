import Foundation

/// Why a run's walk ended before its last resource.
enum RunInterruption: Error, Equatable {
    /// Someone stopped the run (API `PATCH … {"status": "stopped"}`), or the receiver refused `started`.
    case stopped
    /// The run cannot go on; the reason is recorded on the run and sent with `sync_job_run:failed`.
    case failed(String)
    /// Another process holds the run now (this one's lease expired); leave everything to it.
    case leaseLost
    /// The receiver did not acknowledge and the next attempt is far off: the run parks (`waiting_for_webhook`) until
    /// `until`, `attempts` attempts made at the event it waits on.
    case parked(until: Date, attempts: Int, problem: String)
}
