import SyncBridgeCore

extension IntegrationDescriptor {
    /// Zendesk: a `subdomain` (or a `base_url` override) plus either `email` + `api_token`, an OAuth `access_token`
    /// (with `refresh_token`, `client_id` and `client_secret` it is renewed before it expires), or a confidential
    /// client's `client_id` + `client_secret` (client credentials).
    public static let zendesk = IntegrationDescriptor(
        name: "zendesk",
        check: { context in
            var failures: [FieldFailure] = []
            let subdomain = context["subdomain"]?.stringValue
            let baseURL = context["base_url"]?.stringValue
            if let baseURL {
                if let problem = EndpointURL.problem(baseURL) {
                    failures.append(FieldFailure(path: "context.base_url", message: "must be " + problem))
                }
            } else if context["base_url"].map({ !$0.isNull }) ?? false {
                failures.append(FieldFailure(path: "context.base_url", message: "must be a string"))
            } else if subdomain == nil || subdomain!.isEmpty {
                failures.append(FieldFailure(path: "context.subdomain", message: "is required (or give context.base_url)"))
            } else if !subdomain!.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                failures.append(FieldFailure(path: "context.subdomain", message: "must contain only letters, digits and '-'"))
            }
            let hasToken = context["api_token"]?.stringValue?.isEmpty == false
            let hasEmail = context["email"]?.stringValue?.isEmpty == false
            let hasOAuth = context["access_token"]?.stringValue?.isEmpty == false
            // A confidential OAuth client gets its own tokens (client credentials, or a refresh token given with it).
            let hasClient = context["client_id"]?.stringValue?.isEmpty == false && context["client_secret"]?.stringValue?.isEmpty == false
            if !hasOAuth && !hasClient {
                if !hasToken {
                    failures.append(FieldFailure(path: "context.api_token", message: "is required (or give context.access_token)"))
                }
                if !hasEmail {
                    failures.append(FieldFailure(path: "context.email", message: "is required with context.api_token"))
                }
            }
            return failures
        },
        warnings: { context in
            guard context["api_token"]?.stringValue?.isEmpty == false, context["access_token"] == nil else { return [] }
            return ["Zendesk API tokens stop working on 2027-04-30 (no new ones can be created since 2026-10-27): reconnect this account with OAuth."]
        })
}
