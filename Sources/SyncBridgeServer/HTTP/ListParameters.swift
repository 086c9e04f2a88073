import Foundation
import Hummingbird
import Storage
import SyncBridgeCore

/// Reads `limit`, `next_cursor` and filters (`status=running`, `created_at[gt]=2024-01-01T00:00:00.000Z`) from a
/// list request's query string. Anything it does not understand is a 400 naming the parameter.
enum ListParameters {
    static let timestampColumns: Set<String> = ["created_at", "updated_at"]

    /// What a list cursor of `R` in environment `env` is sealed for: it is accepted back by that list only.
    static func cursorScope<R: StoredResource>(_ type: R.Type, environment env: UUID) -> String {
        "list \(R.resourceName) \(env.lowercased)"
    }

    static func parse<R: StoredResource>(_ request: Request, for type: R.Type, environment env: UUID, cursors: CursorSeal) throws -> ListQuery {
        var query = ListQuery()
        for (rawKey, rawValue) in request.uri.queryParameters {
            let key = String(rawKey).removingPercentEncoding ?? String(rawKey)
            let value = String(rawValue)
            switch key {
            case "limit":
                guard let limit = Int(value), (1...ListQuery.maximumLimit).contains(limit) else {
                    throw invalid("limit", "must be an integer from 1 to \(ListQuery.maximumLimit)")
                }
                query.limit = limit
            case "next_cursor":
                guard !value.isEmpty else { continue }
                guard let payload = cursors.open(value, scope: cursorScope(R.self, environment: env)), let cursor = ListCursor(payload: payload)
                else {
                    throw invalid("next_cursor", "is not a cursor this list issued in this environment (pass back next_cursor exactly as received)")
                }
                query.cursor = cursor
            default:
                try parseFilter(key: key, value: value, allowed: R.filterColumns, values: R.filterValues, into: &query)
            }
        }
        return query
    }

    static func parseFilter(
        key: String, value: String, allowed: Set<String>, values: [String: [String]] = [:], into query: inout ListQuery
    ) throws {
        if value.isEmpty { throw invalid(key, "must not be empty (leave the filter out instead)") }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw invalid(key, "must not contain control characters")
        }
        if let open = key.firstIndex(of: "["), key.hasSuffix("]") {
            let column = String(key[..<open])
            let op = String(key[key.index(after: open)..<key.index(before: key.endIndex)])
            guard timestampColumns.contains(column) else {
                throw invalid(key, "range filters apply to \(timestampColumns.sorted().joined(separator: " and ")) only")
            }
            guard let rangeOp = ListQuery.RangeOperator(rawValue: op) else {
                throw invalid(key, "operator must be one of gt, gte, lt, lte")
            }
            guard let date = Timestamp.parse(value) else { throw invalid(key, "must be an ISO-8601 date-time") }
            query.ranges.append(.init(column: column, op: rangeOp, value: date))
            return
        }
        guard allowed.contains(key) else {
            let known = (["limit", "next_cursor"] + allowed.sorted() + ["created_at[gt|gte|lt|lte]", "updated_at[gt|gte|lt|lte]"])
            throw invalid(key, "is not a filter of this endpoint (known: \(known.joined(separator: ", ")))")
        }
        if let closed = values[key], !closed.contains(value) {
            throw invalid(key, "must be one of \(closed.joined(separator: ", ")) (got '\(value)')")
        }
        // References to SyncBridge's own resources are UUIDs (stored lowercase); `tenant_id` is the customer's own
        // identifier and is matched exactly.
        let isReference = key.hasSuffix("_id") && key != "tenant_id"
        if isReference, UUID(uuidString: value) == nil {
            throw invalid(key, "must be an id (a UUID)")
        }
        query.equals[key] = isReference ? value.lowercased() : value
    }

    static func invalid(_ name: String, _ message: String) -> SyncBridgeError {
        SyncBridgeError(
            .badRequest, code: "invalid_query_parameter", message: "\(name): \(message)",
            failures: [FieldFailure(path: name, message: message)]
        )
    }
}
