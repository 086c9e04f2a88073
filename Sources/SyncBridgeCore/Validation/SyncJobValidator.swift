import Foundation
import JSONata

/// Checks a sync job's resources before it is stored, so mistakes surface as a 422 naming the field, not as a
/// failed run hours later.
public struct SyncJobValidator: Sendable {
    /// Methods that write; sync jobs only read.
    public static let writeMethods: Set<String> = ["create", "update", "delete", "patch", "put", "post", "upsert"]

    /// Creates a validator.
    public init() {}

    /// Validates the steps, recording failures under `resources[i]…`.
    public func validate(_ resources: [SyncJobResource], failures: FailureCollector) {
        if resources.isEmpty { failures.add("resources", "must contain at least one resource") }
        for (i, r) in resources.enumerated() { validateShape(r, at: i, failures: failures) }
        // Placeholder syntax is checked even when the graph is broken; references to ancestors only when it is sound.
        let graph = ResourceGraph(resources: resources, failures: failures)
        for (i, r) in resources.enumerated() {
            let ancestors = graph.map { g in g.ancestors(of: i).map { resources[$0].resource } }
            validateTemplates(r, at: i, ancestors: ancestors, failures: failures)
        }
    }

    func validateShape(_ r: SyncJobResource, at i: Int, failures: FailureCollector) {
        let path = "resources[\(i)]"
        let parts = r.resource.split(separator: "/", omittingEmptySubsequences: false)
        let validName =
            (parts.count == 1 || parts.count == 2)
            && parts.allSatisfy { part in
                !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            }
        if !validName {
            failures.add("\(path).resource", "must be a unified name like 'ticketing/tickets' or a proxy name like 'tickets'")
        }
        let method = r.method
        let isIdentifier = method.first?.isLetter == true && method.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        if r.isUnified && method != "list" && method != "get" {
            failures.add("\(path).method", "must be 'list' or 'get' for a unified resource")
        } else if !isIdentifier {
            failures.add("\(path).method", "must be 'list', 'get' or a custom method name")
        } else if Self.writeMethods.contains(method.lowercased()) {
            failures.add("\(path).method", "'\(method)' writes data; sync jobs only read")
        }
        if method == "get" && r.id == nil {
            failures.add("\(path).id", "is required when method is 'get'")
        }
        if case .string(let q)? = r.query {
            if q.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                failures.add("\(path).query", "a JSONata query must not be empty")
            } else {
                do {
                    _ = try QueryExpression(q)
                } catch {
                    failures.add("\(path).query", "is not a valid JSONata expression: \(error.code) at position \(error.position): \(error.message)")
                }
            }
        }
    }

    /// - Parameter ancestors: the depends_on chain, or `nil` when the graph is unusable (references are not checked).
    func validateTemplates(_ r: SyncJobResource, at i: Int, ancestors: [String]?, failures: FailureCollector) {
        let path = "resources[\(i)]"
        var fields: [(String, JSONValue)] = []
        if let id = r.id { fields.append(("\(path).id", id)) }
        if case .object? = r.query, let query = r.query { fields.append(("\(path).query", query)) }
        if let body = r.body { fields.append(("\(path).body", body)) }
        if let loopOn = r.loopOn { fields.append(("\(path).loop_on", .string(loopOn))) }
        for (fieldPath, value) in fields {
            value.forEachString(path: fieldPath) { stringPath, text in
                guard text.contains("{{") || text.contains("}}") else { return }
                do throws(TemplateError) {
                    let template = try Template(parsing: text)
                    for placeholder in template.placeholders {
                        guard let ancestors else { continue }
                        checkResourceReferences(placeholder, ancestors: ancestors, at: stringPath, failures: failures)
                    }
                } catch {
                    failures.add(stringPath, "malformed placeholder: \(error.message)")
                }
            }
        }
        if let loopOn = r.loopOn {
            if (try? Template(parsing: loopOn))?.wholePlaceholder == nil {
                failures.add("\(path).loop_on", "must be a single placeholder such as '{{args.ticket_ids}}'")
            }
        }
    }

    /// `{{resources.ticketing.tickets.id}}` must name a field of an ancestor (`ticketing/tickets` → `ticketing.tickets`).
    func checkResourceReferences(_ p: Placeholder, ancestors: [String], at path: String, failures: FailureCollector) {
        for alternative in p.alternatives where alternative.hasPrefix("resources.") {
            let rest = alternative.dropFirst("resources.".count)
            let matches = ancestors.contains { ancestor in
                let dotted = ancestor.replacingOccurrences(of: "/", with: ".")
                return rest.hasPrefix(dotted + ".")
            }
            if !matches {
                let known = ancestors.isEmpty ? "this resource has no depends_on" : "depends_on chain: \(ancestors.joined(separator: ", "))"
                failures.add(path, "'\(alternative)' does not name a field of a resource this one depends on (\(known))")
            }
        }
    }
}
