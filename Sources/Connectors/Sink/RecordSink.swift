import Foundation
import Logging
import SyncBridgeCore

/// Where a run's pages of records go. The webhook sink (acknowledged, signed delivery) is the default; a run's
/// `destination` picks another by kind from the ``SinkRegistry``. A page counts as delivered — and the run's
/// checkpoint moves past it — only once ``write(_:logger:)`` returns.
public protocol RecordSink: Sendable {
    /// Writes one page; returns once every record of it is durable at the sink. A thrown error fails the run.
    func write(_ page: SinkPage, logger: Logger) async throws(SinkError) -> SinkReceipt
}

/// One page for a sink: its records, and the `sync_job_run:record` payload that describes them.
public struct SinkPage: Sendable {
    /// The resource the records are of.
    public var resource: String
    public var records: [JSONValue]
    /// The `sync_job_run:record` event payload (resource, method, records, meta).
    public var payload: JSONValue
    /// The page's sequence among the events of the run (stable across resumes: the same page has the same number).
    public var sequence: Int
    /// The page may have been written already, by an attempt interrupted after writing and before its checkpoint.
    public var mayRepeat: Bool
    /// Attempts made at this page before (by an executor that parked the run while waiting to retry it).
    public var attempted: Int

    /// Creates a page.
    public init(resource: String, records: [JSONValue], payload: JSONValue, sequence: Int, mayRepeat: Bool, attempted: Int = 0) {
        self.resource = resource
        self.records = records
        self.payload = payload
        self.sequence = sequence
        self.mayRepeat = mayRepeat
        self.attempted = attempted
    }
}

/// What a write did, as counters added to the resource's `resource_stats` (for example `written`).
public struct SinkReceipt: Sendable, Equatable {
    public var counts: [String: Int]
    /// False when the sink left the page out on purpose (a webhook not subscribed to `sync_job_run:record`): the page's
    /// sequence number is not used up.
    public var taken: Bool

    /// Creates a receipt.
    public init(counts: [String: Int] = [:], taken: Bool = true) {
        self.counts = counts
        self.taken = taken
    }
}

/// Why a sink did not take a page.
public enum SinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sink refused the page or could not write it; the run fails with the message.
    case failed(String)
    /// The task was cancelled (shutdown) while writing: the run resumes from its checkpoint.
    case interrupted
    /// The sink cannot take the page now and asks to be tried again at `until`, after `attempts` attempts (the last
    /// failing with `reason`): the run parks until then.
    case retryLater(until: Date, attempts: Int, reason: String)

    public var description: String {
        switch self {
        case .failed(let message): message
        case .interrupted: "interrupted"
        case .retryLater(let until, _, let reason): "\(reason); retrying at \(until)"
        }
    }
}
