import Foundation
import JSONCore
import SyncBridgeCore

/// `/search.json` (offset pages, at most 1,000 results), `/search/count`, `/search/export` (cursor pages).
/// Query terms: `type:ticket|user|organization`, `status:x` (and `status<x`/`>`), `updated>`/`>=`/`<`/`<=` and
/// `created…` with a date or date-time (`updated_at…` accepted too), `tags:x`; other words must appear in the subject.
struct SearchRoutes: Sendable {
    let context: RouteContext

    var r: SandboxRequest { context.request }

    struct Query {
        var type = "ticket"
        var statuses: [(op: String, value: String)] = []
        var ranges: [(field: String, op: String, value: Int64)] = []
        var tags: [String] = []
        var words: [String] = []

        static let statusOrder = ["new", "open", "pending", "hold", "solved", "closed"]

        init(_ text: String) throws(SandboxError) {
            for token in text.split(separator: " ") {
                let t = String(token)
                if let m = Self.split(t) {
                    switch m.field {
                    case "type": type = m.value
                    case "status": statuses.append((m.op, m.value))
                    case "tags", "tag": tags.append(m.value)
                    case "updated", "updated_at", "created", "created_at":
                        guard
                            let v = Timestamp.parse(m.value).map({ Int64($0.timeIntervalSince1970) })
                                ?? Timestamp.parse(m.value + "T00:00:00Z").map({ Int64($0.timeIntervalSince1970) })
                        else { throw SandboxError.invalid("Invalid search: cannot parse date '\(m.value)'") }
                        ranges.append((m.field.hasPrefix("updated") ? "updated" : "created", m.op, v))
                    default: words.append(t.lowercased())
                    }
                } else {
                    words.append(t.lowercased())
                }
            }
        }

        static func split(_ t: String) -> (field: String, op: String, value: String)? {
            for op in [">=", "<=", ":", ">", "<"] {
                if let range = t.range(of: op) {
                    return (String(t[..<range.lowerBound]).lowercased(), op, String(t[range.upperBound...]))
                }
            }
            return nil
        }

        static func compare(_ a: Int64, _ op: String, _ b: Int64) -> Bool {
            switch op {
            case ">": a > b
            case ">=": a >= b
            case "<": a < b
            case "<=": a <= b
            default: a == b || (a >= b && a < b + 86_400)
            }
        }

        func matches(_ t: Ticket) -> Bool {
            for s in statuses {
                let a = Self.statusOrder.firstIndex(of: t.status) ?? 0
                let b = Self.statusOrder.firstIndex(of: s.value) ?? 0
                let ok: Bool =
                    switch s.op {
                    case ">": a > b
                    case "<": a < b
                    case ">=": a >= b
                    case "<=": a <= b
                    default: t.status == s.value
                    }
                if !ok { return false }
            }
            for range in ranges where !Self.compare(range.field == "updated" ? t.updatedAt : t.createdAt, range.op, range.value) { return false }
            for tag in tags where !t.tags.contains(tag) { return false }
            let subject = t.subject.lowercased()
            return words.allSatisfy { subject.contains($0) }
        }

        func matches(_ u: User) -> Bool {
            for range in ranges where !Self.compare(range.field == "updated" ? u.updatedAt : u.createdAt, range.op, range.value) { return false }
            let text = (u.name + " " + u.email).lowercased()
            return words.allSatisfy { text.contains($0) }
        }
    }

    func handle() throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        guard let text = r.query["query"] else { throw SandboxError.invalid("query is required") }
        let query = try Query(text)
        if s.count == 2 && s[1] == "export" {
            guard let type = r.query["filter[type]"] else { throw SandboxError.invalid("filter[type] is required") }
            var q = query
            q.type = type
            return try export(q)
        }
        let ids = matchingIds(query)
        if s.count == 2 && s[1] == "count" { return .json(["count": .number(Double(ids.count))]) }
        guard s.count == 1 else { throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found") }
        let page = r.int("page") ?? 1
        let perPage = min(r.int("per_page") ?? 100, 100)
        guard page >= 1 && perPage >= 1 else { throw SandboxError.invalid("page and per_page must be positive") }
        // The last position the page reaches; a page past Int's range reaches past everything.
        let (reach, overflow) = page.multipliedReportingOverflow(by: perPage)
        let skip = overflow ? Int.max : reach - perPage
        guard !overflow && reach <= 1000 || skip >= ids.count else {
            throw SandboxError(
                status: 422, error: "InvalidValue", description: "Invalid search: Requested response size was greater than Search Response Limits")
        }
        let slice = Array(ids.dropFirst(skip).prefix(perPage))
        var w = JSONWriter(capacity: 128 * 1024)
        w.beginObject()
        w.key("results")
        w.beginArray()
        writeResults(slice, type: query.type, to: &w)
        w.endArray()
        w.key("facets")
        w.null()
        let path = "\(context.base)/api/v2/search.json?query=\(Pagination.escape(text))&per_page=\(perPage)"
        let hasNext = !overflow && reach < min(ids.count, 1000)
        w.field("next_page", hasNext ? "\(path)&page=\(page + 1)" : nil)
        w.field("previous_page", page > 1 ? "\(path)&page=\(page - 1)" : nil)
        w.field("count", Int64(ids.count))
        w.endObject()
        return .json(w)
    }

    /// Matching ids in the requested order (`sort_by` updated_at|created_at, `sort_order` asc|desc; default updated_at asc).
    func matchingIds(_ q: Query) -> [Int64] {
        let world = context.state.read { $0.world }
        var found: [(key: Int64, id: Int64)] = []
        let byCreated = r.query["sort_by"] == "created_at"
        switch q.type {
        case "user":
            for id in world.userIdRange { if let u = world.user(id), q.matches(u) { found.append((byCreated ? u.createdAt : u.updatedAt, id)) } }
        case "ticket":
            var id: Int64 = 1
            while id < world.nextTicketId {
                if let t = world.ticket(id), q.matches(t) { found.append((byCreated ? t.createdAt : t.updatedAt, id)) }
                id += 1
            }
        default:
            break
        }
        found.sort { $0.key == $1.key ? $0.id < $1.id : $0.key < $1.key }
        if r.query["sort_order"] == "desc" { found.reverse() }
        return found.map(\.id)
    }

    func writeResults(_ ids: [Int64], type: String, to w: inout JSONWriter) {
        let world = context.state.read { $0.world }
        for id in ids {
            // Each result is the record plus `result_type`: write it, then reopen the object for one more member.
            var item = JSONWriter()
            if type == "user" {
                world.user(id)?.write(to: &item, base: context.base)
            } else {
                world.ticket(id)?.write(to: &item, base: context.base, export: false)
            }
            guard var value = try? JSONParser.parse(bytes: item.bytes), case .object(var o) = value else { continue }
            o["result_type"] = .string(type)
            value = .object(o)
            w.value(value)
        }
    }

    func export(_ q: Query) throws(SandboxError) -> SandboxResponse {
        let ids = matchingIds(q)
        return try Pagination.pageByPosition(r, key: "results", base: context.base, count: ids.count) { p, w in
            writeResults([ids[p - 1]], type: q.type, to: &w)
        }
    }
}
