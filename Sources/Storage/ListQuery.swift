import Foundation
import SyncBridgeCore

/// What a list endpoint asks for: a page size, where to continue, and filters.
public struct ListQuery: Sendable, Equatable {
    /// A comparison on `created_at` / `updated_at`.
    public enum RangeOperator: String, Sendable, CaseIterable {
        case gt, gte, lt, lte
    }

    /// Page size (1…100).
    public var limit: Int
    /// The opaque cursor from the previous page.
    public var cursor: ListCursor?
    /// Equality filters on indexed columns.
    public var equals: [String: String]
    /// Range filters on `created_at` / `updated_at`.
    public var ranges: [RangeFilter]

    /// A range condition.
    public struct RangeFilter: Sendable, Equatable {
        public var column: String
        public var op: RangeOperator
        public var value: Date
        public init(column: String, op: RangeOperator, value: Date) {
            self.column = column
            self.op = op
            self.value = value
        }
    }

    /// Creates a query.
    public init(limit: Int = ListQuery.defaultLimit, cursor: ListCursor? = nil, equals: [String: String] = [:], ranges: [RangeFilter] = []) {
        self.limit = limit
        self.cursor = cursor
        self.equals = equals
        self.ranges = ranges
    }

    /// The page size when none is given.
    public static let defaultLimit = 100
    /// The largest page size accepted.
    public static let maximumLimit = 100
}

/// Position after the last item of a page: items are ordered by (created_at, id) descending.
public struct ListCursor: Sendable, Equatable {
    public var createdAt: String
    public var id: String

    /// Creates a cursor.
    public init(createdAt: String, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// The cursor's text, which the API seals (``CursorSeal``) before handing it out.
    public var payload: String { "\(createdAt)|\(id)" }

    /// Reads ``payload``; `nil` when it is not one.
    public init?(payload: String) {
        let parts = payload.split(separator: "|", maxSplits: 1)
        guard parts.count == 2, Timestamp.parse(String(parts[0])) != nil, UUID(uuidString: String(parts[1])) != nil else {
            return nil
        }
        self.init(createdAt: String(parts[0]), id: String(parts[1]))
    }
}

/// One page of a list.
public struct ListPage<R: Sendable>: Sendable {
    public var items: [R]
    /// Where the next page starts; `nil` on the last page.
    public var nextCursor: ListCursor?

    public init(items: [R], nextCursor: ListCursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
