import SyncBridgeCore

extension ZendeskTicketImport {
    /// `zendesk_ticket_import`: writes tickets into a Zendesk account; `buffer_size` (1–100, default 100: Zendesk's
    /// per-call maximum) tickets per import call, `max_retries` (0–10, default 3) waits of a 429's `Retry-After`.
    public static let sink = SinkRegistry.Entry(
        kind: RunDestination.zendeskTicketImport, integrationName: "zendesk",
        check: { r in
            r.rejectUnknown(["type", "integrated_account_id", "buffer_size", "max_retries"])
            if let buffer = r.int("buffer_size"), !(1...100).contains(buffer) {
                r.failures.add(r.path("buffer_size"), "must be from 1 to 100 (Zendesk imports at most 100 tickets per call)")
            }
            if let retries = r.int("max_retries"), !(0...10).contains(retries) { r.failures.add(r.path("max_retries"), "must be from 0 to 10") }
        },
        accountProblem: { ZendeskScopes.writeProblem($0, resources: ["tickets"], purpose: "importing tickets") },
        make: { context in
            let options = context.destination.options
            return ZendeskTicketImport(
                client: context.client, credentials: context.credentials,
                bufferSize: options["buffer_size"]?.numberValue.map { Int($0) } ?? 100,
                maxRetries: options["max_retries"]?.numberValue.map { Int($0) } ?? 3
            )
        }
    )
}
