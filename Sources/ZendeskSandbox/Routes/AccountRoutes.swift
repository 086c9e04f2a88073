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

    /// How Zendesk pages a list.
    enum Paging {
        /// Both paginations.
        case both
        /// Whole, with `next_page`/`previous_page` (null) and `count`.
        case whole
        /// Whole, with nothing else.
        case bare
    }

    /// One list: its path under `/api/v2`, its key, the key of one record shown by id, its records and its paging.
    struct Collection {
        let path: String
        let key: String
        let singular: String
        let items: [JSONValue]
        let paging: Paging
    }

    /// Every list this type answers (satisfaction ratings and settings aside).
    static func lists(_ c: AccountCatalog) -> [Collection] {
        [
            Collection(path: "user_fields", key: "user_fields", singular: "user_field", items: c.userFields, paging: .both),
            Collection(
                path: "organization_fields", key: "organization_fields", singular: "organization_field", items: c.organizationFields, paging: .both),
            Collection(path: "group_memberships", key: "group_memberships", singular: "group_membership", items: c.groupMemberships, paging: .both),
            Collection(path: "brands", key: "brands", singular: "brand", items: c.brands, paging: .both),
            Collection(path: "macros", key: "macros", singular: "macro", items: c.macros, paging: .both),
            Collection(path: "ticket_forms", key: "ticket_forms", singular: "ticket_form", items: c.ticketForms, paging: .whole),
            Collection(path: "custom_roles", key: "custom_roles", singular: "custom_role", items: c.customRoles, paging: .whole),
            Collection(path: "slas/policies", key: "sla_policies", singular: "sla_policy", items: c.slaPolicies, paging: .whole),
            Collection(path: "channels/voice/phone_numbers", key: "phone_numbers", singular: "phone_number", items: [], paging: .whole),
            Collection(path: "business_hours/schedules", key: "schedules", singular: "schedule", items: c.schedules, paging: .bare),
        ]
    }

    func handle() throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        let path = s.joined(separator: "/")
        switch path {
        case "account/settings": return .json(catalog.settings)
        case "satisfaction_ratings": return try SatisfactionRatings(context: context).list()
        default: break
        }
        let lists = Self.lists(catalog)
        if let list = lists.first(where: { $0.path == path }) {
            switch list.paging {
            case .both: return try paged(list.key, list.items)
            case .whole: return unpaged(list.key, list.items, offsetFields: true)
            case .bare: return unpaged(list.key, list.items, offsetFields: false)
            }
        }
        guard let id = s.last.flatMap({ Int64($0) }) else { throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found") }
        let parent = s.dropLast().joined(separator: "/")
        if parent == "satisfaction_ratings" { return try SatisfactionRatings(context: context).show(id) }
        guard let list = lists.first(where: { $0.path == parent }) else {
            throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
        guard let item = list.items.first(where: { $0["id"]?.integerValue == id }) else { throw SandboxError.notFound() }
        return .json(.object([list.singular: item]))
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
