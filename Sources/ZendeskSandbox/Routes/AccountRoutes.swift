import JSONCore

/// The account's configuration endpoints (``AccountCatalog``) and satisfaction ratings, in the pagination Zendesk
/// gives each: both styles where it offers both (`user_fields`, `organization_fields`, `group_memberships`,
/// `brands`, `macros`, `satisfaction_ratings`), offset-style fields with nulls where the list is never paged
/// (`ticket_forms`, `custom_roles`, `slas/policies`, `channels/voice/phone_numbers`), and none at all for
/// `business_hours/schedules` and `account/settings`. Each list also shows one record by id.
struct AccountRoutes: Sendable {
    let context: RouteContext

    var r: SandboxRequest { context.request }

    var catalog: AccountCatalog {
        AccountCatalog(base: context.base, agentCount: context.state.read { $0.world.generator.agentCount })
    }

    /// The routes this type answers, by their first segment.
    static let collections: Set<String> = [
        "user_fields", "organization_fields", "group_memberships", "ticket_forms", "brands", "macros", "custom_roles", "slas",
        "business_hours", "account", "satisfaction_ratings", "channels",
    ]

    func handle() throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        let c = catalog
        switch s.joined(separator: "/") {
        case "user_fields": return try paged("user_fields", c.userFields)
        case "organization_fields": return try paged("organization_fields", c.organizationFields)
        case "group_memberships": return try paged("group_memberships", c.groupMemberships)
        case "brands": return try paged("brands", c.brands)
        case "macros": return try paged("macros", c.macros)
        case "ticket_forms": return unpaged("ticket_forms", c.ticketForms, offsetFields: true)
        case "custom_roles": return unpaged("custom_roles", c.customRoles, offsetFields: true)
        case "slas/policies": return unpaged("sla_policies", c.slaPolicies, offsetFields: true)
        case "channels/voice/phone_numbers": return unpaged("phone_numbers", [], offsetFields: true)
        case "business_hours/schedules": return unpaged("schedules", c.schedules, offsetFields: false)
        case "account/settings": return .json(c.settings)
        case "satisfaction_ratings": return try SatisfactionRatings(context: context).list()
        default: break
        }
        guard let id = s.last.flatMap({ Int64($0) }) else { throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found") }
        let parent = s.dropLast().joined(separator: "/")
        let shown: (String, [JSONValue])? =
            switch parent {
            case "user_fields": ("user_field", c.userFields)
            case "organization_fields": ("organization_field", c.organizationFields)
            case "group_memberships": ("group_membership", c.groupMemberships)
            case "ticket_forms": ("ticket_form", c.ticketForms)
            case "brands": ("brand", c.brands)
            case "macros": ("macro", c.macros)
            case "custom_roles": ("custom_role", c.customRoles)
            case "slas/policies": ("sla_policy", c.slaPolicies)
            case "business_hours/schedules": ("schedule", c.schedules)
            default: nil
            }
        if parent == "satisfaction_ratings" { return try SatisfactionRatings(context: context).show(id) }
        guard let (key, items) = shown else { throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found") }
        guard let item = items.first(where: { $0["id"]?.integerValue == id }) else { throw SandboxError.notFound() }
        return .json(.object([key: item]))
    }

    /// A list in both paginations, by position.
    func paged(_ key: String, _ items: [JSONValue]) throws(SandboxError) -> SandboxResponse {
        try Pagination.pageByPosition(r, key: key, base: context.base, count: items.count) { i, w in w.value(items[i - 1]) }
    }

    /// A list Zendesk returns whole; `offsetFields` adds its `next_page`/`previous_page` (null) and `count`.
    func unpaged(_ key: String, _ items: [JSONValue], offsetFields: Bool) -> SandboxResponse {
        var body: [String: JSONValue] = [key: .array(items)]
        if offsetFields {
            body["previous_page"] = .null
            body["next_page"] = .null
            body["count"] = .integer(Int64(items.count))
        }
        return .json(.object(body))
    }
}
