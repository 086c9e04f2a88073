import Foundation
import JSONCore

/// The account's configuration records that tickets, users and organizations refer to: custom user and
/// organization fields, group memberships, ticket forms, brands, macros, custom roles, schedules, SLA policies and
/// account settings. Each is a small fixed list, consistent with the generated data: every ticket's `ticket_form_id`
/// and `brand_id` is listed here, every field key a user or organization carries is defined here, and every
/// membership joins an agent who exists to a group that exists.
struct AccountCatalog: Sendable {
    let base: String
    let agentCount: Int

    /// Configuration predates the generated data: a fixed creation time (2020-01-01T00:00:00Z).
    static let created: Int64 = ConfigurationRoutes.created
    static let ticketFormId: Int64 = 360_000_201
    static let brandId: Int64 = 360_000_301
    static let userFieldIds: [Int64] = [360_200_001, 360_200_002]
    static let organizationFieldIds: [Int64] = [360_300_001, 360_300_002]
    static let plans = ["free", "team", "enterprise"]
    static let regions = ["emea", "amer", "apac"]

    var createdAt: JSONValue { .string(Self.iso(Self.created)) }

    static func iso(_ seconds: Int64) -> String {
        var w = JSONWriter()
        w.timestamp(seconds: seconds)
        return String(decoding: w.bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    func url(_ path: String, _ id: Int64) -> JSONValue { .string("\(base)/api/v2/\(path)/\(id).json") }

    /// A dropdown or text custom field, as `/user_fields` and `/organization_fields` show them.
    func customField(id: Int64, path: String, key: String, title: String, options: [String]) -> JSONValue {
        var field: [String: JSONValue] = [
            "id": .integer(id), "url": url(path, id), "key": .string(key), "type": .string(options.isEmpty ? "text" : "dropdown"),
            "title": .string(title), "raw_title": .string(title), "description": "", "raw_description": "", "position": .integer(id % 10),
            "active": true, "system": false, "regexp_for_validation": nil, "created_at": createdAt, "updated_at": createdAt,
        ]
        if !options.isEmpty {
            field["custom_field_options"] = .array(
                options.enumerated().map { n, value in
                    [
                        "id": .integer(id * 10 + Int64(n)), "name": .string(value.capitalized), "raw_name": .string(value.capitalized),
                        "value": .string(value),
                    ]
                })
        }
        return .object(field)
    }

    var userFields: [JSONValue] {
        [
            customField(id: Self.userFieldIds[0], path: "user_fields", key: "plan", title: "Plan", options: Self.plans),
            customField(id: Self.userFieldIds[1], path: "user_fields", key: "employee_id", title: "Employee ID", options: []),
        ]
    }

    var organizationFields: [JSONValue] {
        [
            customField(id: Self.organizationFieldIds[0], path: "organization_fields", key: "region", title: "Region", options: Self.regions),
            customField(id: Self.organizationFieldIds[1], path: "organization_fields", key: "account_manager", title: "Account manager", options: []),
        ]
    }

    /// Agent `i` (the admin is 0) belongs to group `i mod 3`; the admin also to every other group.
    var groupMemberships: [JSONValue] {
        var out: [JSONValue] = []
        for i in 0..<agentCount {
            let groups = i == 0 ? Generator.groupIds.indices.map { $0 } : [i % Generator.groupIds.count]
            for g in groups {
                let id = 361_000_000 + Int64(i) * 10 + Int64(g)
                out.append([
                    "id": .integer(id), "url": url("group_memberships", id), "user_id": .integer(Generator.userBase + Int64(i)),
                    "group_id": .integer(Generator.groupIds[g]), "default": .bool(g == (i == 0 ? 0 : i % Generator.groupIds.count)),
                    "created_at": createdAt, "updated_at": createdAt,
                ])
            }
        }
        return out
    }

    var ticketForms: [JSONValue] {
        let fieldIds = ConfigurationRoutes.ticketFields.map { JSONValue.integer($0.id) }
        return [
            [
                "id": .integer(Self.ticketFormId), "url": url("ticket_forms", Self.ticketFormId), "name": "Default Ticket Form",
                "raw_name": "Default Ticket Form", "display_name": "Default Ticket Form", "raw_display_name": "Default Ticket Form",
                "end_user_visible": true, "position": 1, "ticket_field_ids": .array(fieldIds), "active": true, "default": true,
                "in_all_brands": true, "restricted_brand_ids": [], "end_user_conditions": [], "agent_conditions": [],
                "created_at": createdAt, "updated_at": createdAt,
            ]
        ]
    }

    var brands: [JSONValue] {
        [
            [
                "id": .integer(Self.brandId), "url": url("brands", Self.brandId), "name": "Acme", "brand_url": .string(base),
                "subdomain": "acme", "host_mapping": nil, "has_help_center": false, "help_center_state": "disabled", "active": true,
                "default": true, "is_deleted": false, "logo": nil, "ticket_form_ids": [.integer(Self.ticketFormId)],
                "signature_template": "{{agent.signature}}",
                "created_at": createdAt, "updated_at": createdAt,
            ]
        ]
    }

    var macros: [JSONValue] {
        let specs: [(title: String, actions: [(String, JSONValue)])] = [
            ("Close and thank", [("status", "solved"), ("comment_value", "Thanks for reaching out!")]),
            ("Escalate to tier 2", [("group_id", .integer(Generator.groupIds[2])), ("priority", "high")]),
            ("Ask for details", [("status", "pending"), ("comment_value", "Could you send us more details?")]),
        ]
        return specs.enumerated().map { n, spec in
            let id = 360_400_001 + Int64(n)
            return [
                "id": .integer(id), "url": url("macros", id), "title": .string(spec.title), "raw_title": .string(spec.title),
                "description": nil, "active": true, "position": .integer(Int64(n + 1)), "default": false,
                "actions": .array(spec.actions.map { ["field": .string($0.0), "value": $0.1] }), "restriction": nil,
                "created_at": .string(Self.iso(Self.created + Int64(n) * 86_400)), "updated_at": .string(Self.iso(Self.created + Int64(n) * 86_400)),
            ]
        }
    }

    var customRoles: [JSONValue] {
        ["Staff", "Team lead", "Advisor", "Light agent"].enumerated().map { n, name in
            let id = 360_500_001 + Int64(n)
            return [
                "id": .integer(id), "name": .string(name), "description": .string("\(name) role"), "role_type": .integer(Int64(n == 3 ? 1 : 0)),
                "team_member_count": .integer(Int64(n == 0 ? max(0, agentCount - 1) : 0)),
                "configuration": ["ticket_access": "all", "ticket_editing": .bool(n != 3)],
                "created_at": createdAt, "updated_at": createdAt,
            ]
        }
    }

    var schedules: [JSONValue] {
        // Monday to Friday, 09:00–17:00, in minutes from the start of the week (Sunday 00:00).
        let intervals: [JSONValue] = (1...5).map { (day: Int) -> JSONValue in
            let start = Int64(day * 1440 + 540)
            return .object(["start_time": .integer(start), "end_time": .integer(start + 480)])
        }
        return [
            [
                "id": 360_600_001, "name": "Business hours", "time_zone": "Eastern Time (US & Canada)", "intervals": .array(intervals),
                "created_at": createdAt, "updated_at": createdAt,
            ]
        ]
    }

    var slaPolicies: [JSONValue] {
        let targets: [JSONValue] = ["urgent", "high", "normal", "low"].enumerated().map { n, priority in
            ["priority": .string(priority), "metric": "first_reply_time", "target": .integer(Int64(60 << n)), "business_hours": false]
        }
        return [
            [
                "id": 360_700_001, "url": url("slas/policies", 360_700_001), "title": "Standard", "description": "First replies by priority",
                "position": 1, "filter": ["all": [["field": "type", "operator": "is_not", "value": "task"]], "any": []],
                "policy_metrics": .array(targets), "created_at": createdAt, "updated_at": createdAt,
            ]
        ]
    }

    /// `/account/settings`: what Airbyte's connection check reads (`active_features.organization_access_enabled`).
    var settings: JSONValue {
        [
            "settings": [
                "branding": ["header_color": "1A00C3", "page_background_color": "333333", "tab_background_color": "7FA239", "text_color": "FFFFFF"],
                "apps": ["use": true, "create_private": true, "create_public": false],
                "tickets": [
                    "comments_public_by_default": true, "list_newest_comments_first": true, "collaboration": true, "tagging": true,
                    "agent_ticket_deletion": false, "emoji_autocompletion": true,
                ],
                "agents": ["agent_workspace": true, "focus_mode": false],
                "groups": ["check_group_name_uniqueness": true],
                "chat": ["enabled": false, "available": false],
                "voice": ["enabled": false],
                "user": ["tagging": true, "language_selection": true, "multiple_organizations": false],
                "localization": ["locale_ids": [1]],
                "active_features": [
                    "on_hold_status": true, "user_tagging": true, "ticket_tagging": true, "topic_suggestion": false, "voice": false,
                    "business_hours": true, "facebook_login": false, "google_login": false, "twitter_login": false, "forum_analytics": true,
                    "agent_forwarding": false, "chat": false, "chat_about_my_ticket": false, "customer_satisfaction": true,
                    "satisfaction_prediction": false, "csat_reason_code": false, "screencasts": false, "markdown": true,
                    "insights": false, "good_data_and_explore": false, "sandbox": true, "bcc_archiving": false,
                    "allow_ccs": true, "advanced_analytics": false, "organization_access_enabled": true, "suspended_ticket_notification": false,
                    "explore": true, "explore_on_support_ent_plan": false, "explore_on_support_pro_plan": false, "light_agents": true,
                    "custom_dkim_domain": false, "is_abusive": false, "rich_content_in_emails": true, "fallback_composer": false,
                ],
                "api": ["accepted_api_agreement": true, "api_password_access": "false", "api_token_access": "false"],
                "routing": ["enabled": false, "autorouting_tag": "", "max_email_capacity": 0, "max_messaging_capacity": 0],
            ]
        ]
    }

    /// The value of each custom user field for a user: plan for end-users, employee id for staff.
    static func userFieldValues(id: Int64, role: String) -> [(String, String?)] {
        let index = id - Generator.userBase
        return [
            ("employee_id", role == "end-user" ? nil : "E\(index)"),
            ("plan", role == "end-user" ? plans[Int(UInt64(bitPattern: index) % UInt64(plans.count))] : nil),
        ]
    }

    /// The value of each custom organization field for an organization.
    static func organizationFieldValues(id: Int64) -> [(String, String?)] {
        let index = id - Generator.organizationBase
        return [("account_manager", nil), ("region", regions[Int(UInt64(bitPattern: index) % UInt64(regions.count))])]
    }
}
