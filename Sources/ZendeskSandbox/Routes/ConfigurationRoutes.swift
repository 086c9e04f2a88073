import JSONCore

/// Account configuration that clients read alongside tickets: `/groups` (the groups tickets are assigned to) and
/// `/ticket_fields` (the system fields plus the custom fields tickets carry), list with both pagination styles and
/// show by id.
struct ConfigurationRoutes: Sendable {
    let context: RouteContext

    static let groupNames = ["Support", "Billing", "Escalations"]
    /// System fields every account has, then the custom fields of the generated tickets.
    static let ticketFields: [(id: Int64, type: String, title: String, custom: Bool)] = [
        (360_000_101, "subject", "Subject", false), (360_000_102, "description", "Description", false),
        (360_000_103, "status", "Status", false), (360_000_104, "tickettype", "Type", false),
        (360_000_105, "priority", "Priority", false), (360_000_106, "group", "Group", false),
        (360_000_107, "assignee", "Assignee", false),
        (Generator.customFieldIds[0], "tagger", "Support tier", true), (Generator.customFieldIds[1], "text", "Order number", true),
    ]

    func handle() throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        switch (s[0], s.count) {
        case ("groups", 1):
            return try Pagination.pageByPosition(context.request, key: "groups", base: context.base, count: Generator.groupIds.count) { i, w in
                writeGroup(i - 1, to: &w)
            }
        case ("groups", 2):
            guard let i = Generator.groupIds.firstIndex(of: Int64(s[1]) ?? -1) else { throw SandboxError.notFound() }
            var w = JSONWriter()
            w.beginObject()
            w.key("group")
            writeGroup(i, to: &w)
            w.endObject()
            return .json(w)
        case ("ticket_fields", 1):
            return try Pagination.pageByPosition(context.request, key: "ticket_fields", base: context.base, count: Self.ticketFields.count) { i, w in
                writeField(i - 1, to: &w)
            }
        case ("ticket_fields", 2):
            guard let i = Self.ticketFields.firstIndex(where: { $0.id == Int64(s[1]) ?? -1 }) else { throw SandboxError.notFound() }
            var w = JSONWriter()
            w.beginObject()
            w.key("ticket_field")
            writeField(i, to: &w)
            w.endObject()
            return .json(w)
        default:
            throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }

    /// Configuration predates the generated data: a fixed creation time.
    static let created: Int64 = 1_577_836_800  // 2020-01-01T00:00:00Z

    func writeGroup(_ i: Int, to w: inout JSONWriter) {
        let id = Generator.groupIds[i]
        w.beginObject()
        w.field("id", id)
        w.key("url")
        w.string(context.base + "/api/v2/groups/", id, ".json")
        w.field("name", Self.groupNames[i])
        w.field("description", "")
        w.field("default", i == 0)
        w.field("deleted", false)
        w.field("is_public", true)
        w.key("created_at")
        w.timestamp(seconds: Self.created)
        w.key("updated_at")
        w.timestamp(seconds: Self.created)
        w.endObject()
    }

    func writeField(_ i: Int, to w: inout JSONWriter) {
        let f = Self.ticketFields[i]
        w.beginObject()
        w.field("id", f.id)
        w.key("url")
        w.string(context.base + "/api/v2/ticket_fields/", f.id, ".json")
        w.field("type", f.type)
        w.field("title", f.title)
        w.field("raw_title", f.title)
        w.field("active", true)
        w.field("required", f.type == "subject" || f.type == "description")
        w.field("visible_in_portal", !f.custom)
        w.field("removable", f.custom)
        if f.type == "tagger" {
            w.key("custom_field_options")
            w.beginArray()
            for (n, value) in ["tier_1", "tier_2", "tier_3"].enumerated() {
                w.beginObject()
                w.field("id", f.id * 10 + Int64(n))
                w.field("name", "Tier \(n + 1)")
                w.field("value", value)
                w.endObject()
            }
            w.endArray()
        }
        w.key("created_at")
        w.timestamp(seconds: Self.created)
        w.key("updated_at")
        w.timestamp(seconds: Self.created)
        w.endObject()
    }
}
