import SyncBridgeCore
import Synchronization

/// Notes, during a transaction, what must be announced once it commits (a run that became claimable).
final class CommitEffects: Sendable {
    private let queued = Atomic<Bool>(false)

    var runQueued: Bool { queued.load(ordering: .relaxed) }

    /// Records a written resource; a run written as `created` (new, or re-queued by a resume) wakes the engine.
    func noteWrite<R: StoredResource>(_ r: R) {
        if let run = r as? SyncJobRun, run.status == .created { queued.store(true, ordering: .relaxed) }
    }
}
