import Foundation
import JSONCore

/// Zendesk's two list paginations over an ordered id space.
///
/// Cursor pagination (`page[size]` ≤ 100, `page[after]`/`page[before]`; `meta` + `links`) when `page[size]` or a
/// cursor is given, else offset pagination (`page`, `per_page` ≤ 100; `next_page`, `previous_page`, `count`), which
/// Zendesk refuses past the first 10,000 records. A size above the maximum is served at the maximum, as Zendesk does
/// (tap-zendesk sends `page[size]` up to 1000 for every list).
enum Pagination {
    enum Mode {
        case cursor(size: Int, after: Int64?, before: Int64?)
        case offset(page: Int, perPage: Int)
    }

    static func mode(_ r: SandboxRequest) throws(SandboxError) -> Mode {
        if r.query["page[size]"] != nil || r.query["page[after]"] != nil || r.query["page[before]"] != nil {
            let size = try pageSize(r)
            var after: Int64? = nil
            var before: Int64? = nil
            if let a = r.query["page[after]"] {
                guard let id = decode(a) else {
                    throw SandboxError(status: 400, error: "InvalidPaginationParameter", description: "page[after] is not a valid cursor")
                }
                after = id
            }
            if let b = r.query["page[before]"] {
                guard let id = decode(b) else {
                    throw SandboxError(status: 400, error: "InvalidPaginationParameter", description: "page[before] is not a valid cursor")
                }
                before = id
            }
            return .cursor(size: size, after: after, before: before)
        }
        let page = r.int("page") ?? 1
        let perPage = min(r.int("per_page") ?? 100, 100)
        guard page >= 1, perPage >= 1 else { throw SandboxError.invalid("page and per_page must be positive integers") }
        let (skip, overflow) = (page - 1).multipliedReportingOverflow(by: perPage)
        if overflow || skip >= 10_000 {
            throw SandboxError(
                status: 400, error: "invalid_pagination",
                description: "Offset pagination is limited to the first 100 pages (10,000 records). Use cursor pagination instead."
            )
        }
        return .offset(page: page, perPage: perPage)
    }

    /// A cursor page's `page[size]`: 100 when absent, served at 100 when larger, 400 when below 1.
    static func pageSize(_ r: SandboxRequest) throws(SandboxError) -> Int {
        let size = min(r.int("page[size]") ?? 100, 100)
        guard size >= 1 else {
            throw SandboxError(status: 400, error: "InvalidPaginationParameter", description: "page[size] must be a positive integer")
        }
        return size
    }

    static func encode(_ id: Int64) -> String {
        Data("{\"o\":\"id\",\"v\":\(id)}".utf8).base64EncodedString()
    }

    /// Positions a cursor can name: record ids and 1-based positions, never negative, far below Int64's edge, so
    /// the arithmetic of a page around them cannot overflow.
    static let cursorPositions: ClosedRange<Int64> = 0...(1 << 62)

    /// The position a cursor names; nil for anything else, forged ones past ``cursorPositions`` included.
    static func decode(_ cursor: String) -> Int64? {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
            let json = try? JSONParser.parse(text), let v = json["v"]?.integerValue, cursorPositions.contains(v)
        else { return nil }
        return v
    }

    /// Writes one page of a list whose items are identified by ascending ids.
    /// - Parameters:
    ///   - ids: returns up to `limit` ids strictly after the given id (ascending).
    ///   - idsBefore: returns up to `limit` ids strictly before the given id (ascending).
    ///   - total: the number of items, for offset pagination's `count`.
    ///   - item: writes one item.
    static func page(
        _ r: SandboxRequest, key: String, base: String, total: () -> Int, ids: (Int64, Int) -> [Int64], idsBefore: (Int64, Int) -> [Int64],
        item: (Int64, inout JSONWriter) -> Void
    ) throws(SandboxError) -> SandboxResponse {
        let path = base + "/api/v2/" + r.segments.joined(separator: "/") + ".json"
        var extra = r.query.filter { !["page", "per_page", "page[size]", "page[after]", "page[before]"].contains($0.key) }
            .sorted { $0.key < $1.key }.map { "\(Self.escape($0.key))=\(Self.escape($0.value))" }.joined(separator: "&")
        if !extra.isEmpty { extra = "&" + extra }
        var w = JSONWriter(capacity: 64 * 1024)
        w.beginObject()
        switch try mode(r) {
        case .cursor(let size, let after, let before):
            var page: [Int64]
            var hasMore: Bool
            if let before {
                page = idsBefore(before, size + 1)
                hasMore = page.count > size
                if hasMore { page.removeFirst() }
            } else {
                page = ids(after ?? 0, size + 1)
                hasMore = page.count > size
                if hasMore { page.removeLast() }
            }
            w.key(key)
            w.beginArray()
            for id in page { item(id, &w) }
            w.endArray()
            let afterCursor = page.last.map(encode)
            let beforeCursor = page.first.map(encode)
            w.key("meta")
            w.beginObject()
            w.field("has_more", hasMore)
            w.field("after_cursor", afterCursor)
            w.field("before_cursor", beforeCursor)
            w.endObject()
            w.key("links")
            w.beginObject()
            w.field("prev", beforeCursor.map { "\(path)?page%5Bbefore%5D=\(escape($0))&page%5Bsize%5D=\(size)\(extra)" })
            w.field("next", hasMore ? afterCursor.map { "\(path)?page%5Bafter%5D=\(escape($0))&page%5Bsize%5D=\(size)\(extra)" } : nil)
            w.endObject()
        case .offset(let page, let perPage):
            let count = total()
            // Walk to the page: ids are dense apart from deletions, and offset pages stop at 10,000 records.
            var cursor: Int64 = 0
            var skipped = 0
            let toSkip = (page - 1) * perPage
            while skipped < toSkip {
                let chunk = ids(cursor, min(1000, toSkip - skipped))
                guard let last = chunk.last else { break }
                skipped += chunk.count
                cursor = last
            }
            let items = skipped == toSkip ? ids(cursor, perPage) : []
            w.key(key)
            w.beginArray()
            for id in items { item(id, &w) }
            w.endArray()
            let hasNext = toSkip + items.count < count
            w.field("next_page", hasNext ? "\(path)?page=\(page + 1)&per_page=\(perPage)\(extra)" : nil)
            w.field("previous_page", page > 1 ? "\(path)?page=\(page - 1)&per_page=\(perPage)\(extra)" : nil)
            w.field("count", Int64(count))
        }
        w.endObject()
        return .json(w)
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }

    /// A page of a list addressed by 1-based position (comments, tags, search results), not by record id.
    static func pageByPosition(
        _ r: SandboxRequest, key: String, base: String, count: Int, item: (Int, inout JSONWriter) -> Void
    ) throws(SandboxError) -> SandboxResponse {
        try page(
            r, key: key, base: base, total: { count },
            ids: { after, limit in
                let lo = Int(after) + 1
                let hi = min(count, Int(after) + limit)
                return lo <= hi ? (lo...hi).map { Int64($0) } : []
            },
            idsBefore: { before, limit in
                let hi = min(count, Int(before) - 1)
                let lo = max(1, Int(before) - limit)
                return lo <= hi ? (lo...hi).map { Int64($0) } : []
            },
            item: { position, w in item(Int(position), &w) }
        )
    }
}
