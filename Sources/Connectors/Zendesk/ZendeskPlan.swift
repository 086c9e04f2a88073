import Foundation
import SyncBridgeCore

/// How one connector request becomes a Zendesk call: the first page's path, where the records are in the answer,
/// how the next page is found, which records are kept and how they are shaped.
struct ZendeskPlan: Sendable {
    enum Paging: Sendable {
        /// `links.next` while `meta.has_more` (cursor pagination).
        case cursor
        /// `after_url` until `end_of_stream` (incremental cursor export).
        case incremental
        /// One object, no pages.
        case single
    }

    /// Path and query of the first page, under `/api/v2/`.
    var path: String
    /// The member holding the records (`tickets`) or the record (`ticket`).
    var key: String
    var paging: Paging
    /// False drops a record (an export's records outside the requested window or role).
    var keep: @Sendable (JSONValue) -> Bool = { _ in true }
    /// Shapes a kept record.
    var map: @Sendable (JSONValue) -> JSONValue = { $0 }

    /// The largest page Zendesk's cursor pagination allows.
    static let pageSize = 100
    /// The largest page of the incremental exports.
    static let exportPageSize = 1000
}

/// An `updated_at` condition from a query: `{"gt": date}`, `{"gte": date}` (with optional `lt`/`lte`), or a plain
/// date string meaning `gte` (nothing changed at that instant is missed).
struct UpdatedWindow: Sendable {
    var lower: Date?
    var lowerInclusive = true
    var upper: Date?
    var upperInclusive = false

    init?(_ value: JSONValue?) throws(ConnectorError) {
        guard let value, !value.isNull else { return nil }
        func date(_ v: JSONValue, _ name: String) throws(ConnectorError) -> Date {
            guard let s = v.stringValue, let d = Timestamp.parse(s) else {
                throw ConnectorError(.invalidRequest, message: "query.updated_at\(name) must be an ISO 8601 date-time")
            }
            return d
        }
        switch value {
        case .string:
            lower = try date(value, "")
        case .object(let o):
            for (op, v) in o {
                switch op {
                case "gt":
                    lower = try date(v, ".gt")
                    lowerInclusive = false
                case "gte":
                    lower = try date(v, ".gte")
                    lowerInclusive = true
                case "lt":
                    upper = try date(v, ".lt")
                    upperInclusive = false
                case "lte":
                    upper = try date(v, ".lte")
                    upperInclusive = true
                default: throw ConnectorError(.invalidRequest, message: "query.updated_at.\(op) is not one of gt, gte, lt, lte")
                }
            }
        default:
            throw ConnectorError(.invalidRequest, message: "query.updated_at must be a date-time or an object of gt/gte/lt/lte")
        }
    }

    /// True when a record's `updated_at` is inside the window.
    func contains(_ record: JSONValue) -> Bool {
        guard let s = record["updated_at"]?.stringValue, let t = Timestamp.parse(s) else { return false }
        if let lower, lowerInclusive ? t < lower : t <= lower { return false }
        if let upper, upperInclusive ? t > upper : t >= upper { return false }
        return true
    }

    /// The export's `start_time`: the lower bound's whole second, never negative, and never more recent than Zendesk
    /// accepts (one minute ago); records before the bound are dropped by ``contains(_:)``.
    func startTime(now: Date) -> Int64 {
        let lowest = Int64((lower ?? .distantPast).timeIntervalSince1970.rounded(.down))
        return max(0, min(lowest, Int64(now.timeIntervalSince1970) - 61))
    }
}
