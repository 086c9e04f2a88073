import JSONCore

/// The applicator vocabulary: keywords that apply subschemas to the instance or its parts.
extension Evaluation {
    func applicators(_ o: [String: JSONValue], _ instance: JSONValue, _ c: Context, into r: inout EvalResult) {
        if case .array(let all)? = o["allOf"] {
            for (i, s) in all.enumerated() { r.absorb(sub(s, c, instance, keyword: "allOf/\(i)", instancePath: c.instancePath)) }
        }
        if case .array(let any)? = o["anyOf"] {
            var matched = false
            var branchErrors: [ValidationError] = []
            for (i, s) in any.enumerated() {
                let branch = sub(s, c, instance, keyword: "anyOf/\(i)", instancePath: c.instancePath)
                if branch.isValid {
                    matched = true
                    r.absorbAnnotations(branch)
                } else {
                    branchErrors += branch.errors
                }
            }
            if !matched {
                let detail = branchErrors.first.map { " (first: \($0.message))" } ?? ""
                r.errors.append(error(c.instancePath, c.keyword("anyOf"), "must match at least one schema of anyOf\(detail)"))
            }
        }
        if case .array(let one)? = o["oneOf"] {
            var passing: [Int] = []
            for (i, s) in one.enumerated() {
                let branch = sub(s, c, instance, keyword: "oneOf/\(i)", instancePath: c.instancePath)
                if branch.isValid {
                    passing.append(i)
                    r.absorbAnnotations(branch)
                }
            }
            if passing.count != 1 {
                let how = passing.isEmpty ? "none" : "schemas \(passing.map(String.init).joined(separator: " and "))"
                r.errors.append(error(c.instancePath, c.keyword("oneOf"), "must match exactly one schema of oneOf, but matches \(how)"))
            }
        }
        if let not = o["not"], sub(not, c, instance, keyword: "not", instancePath: c.instancePath).isValid {
            r.errors.append(error(c.instancePath, c.keyword("not"), "must not match the schema in not"))
        }
        if let condition = o["if"] {
            let test = sub(condition, c, instance, keyword: "if", instancePath: c.instancePath)
            if test.isValid {
                r.absorbAnnotations(test)
                if let then = o["then"] { r.absorb(sub(then, c, instance, keyword: "then", instancePath: c.instancePath)) }
            } else if let otherwise = o["else"] {
                r.absorb(sub(otherwise, c, instance, keyword: "else", instancePath: c.instancePath))
            }
        }
        switch instance {
        case .object(let m): objectApplicators(o, m, c, into: &r)
        case .array(let a): arrayApplicators(o, a, c, into: &r)
        default: break
        }
    }

    private func objectApplicators(_ o: [String: JSONValue], _ m: [String: JSONValue], _ c: Context, into r: inout EvalResult) {
        var covered = Set<String>()
        if case .object(let props)? = o["properties"] {
            for (name, schema) in props {
                guard let value = m[name] else { continue }
                covered.insert(name)
                let s = sub(schema, c, value, keyword: "properties/\(SchemaIndex.escape(name))", instancePath: c.child(name))
                r.errors += s.errors
                if s.isValid { r.properties.insert(name) }
            }
        }
        if case .object(let patterns)? = o["patternProperties"] {
            for (pattern, schema) in patterns {
                for (name, value) in m {
                    switch match(pattern, name) {
                    case .noMatch: continue
                    case .outOfTime:
                        r.errors.append(
                            error(
                                c.child(name), c.keyword("patternProperties/\(SchemaIndex.escape(pattern))"),
                                "the pattern took too long to match this property name (it backtracks catastrophically); simplify it"))
                        continue
                    case .match: break
                    }
                    covered.insert(name)
                    let s = sub(schema, c, value, keyword: "patternProperties/\(SchemaIndex.escape(pattern))", instancePath: c.child(name))
                    r.errors += s.errors
                    if s.isValid { r.properties.insert(name) }
                }
            }
        }
        if let additional = o["additionalProperties"] {
            for (name, value) in m where !covered.contains(name) {
                let s = sub(additional, c, value, keyword: "additionalProperties", instancePath: c.child(name))
                if s.isValid {
                    r.properties.insert(name)
                } else if case .bool(false) = additional {
                    r.errors.append(error(c.child(name), c.keyword("additionalProperties"), "is not an allowed property"))
                } else {
                    r.errors += s.errors
                }
            }
        }
        if let names = o["propertyNames"] {
            for name in m.keys.sorted() {
                let s = sub(names, c, .string(name), keyword: "propertyNames", instancePath: c.child(name))
                if !s.isValid { r.errors.append(error(c.child(name), c.keyword("propertyNames"), "property name '\(name)' is not allowed")) }
            }
        }
        var dependentSchemas = o["dependentSchemas"]?.objectValue ?? [:]
        if case .object(let deps)? = o["dependencies"] {
            for (k, v) in deps where v.arrayValue == nil { dependentSchemas[k] = v }
        }
        for (name, schema) in dependentSchemas where m[name] != nil {
            let keyword = o["dependentSchemas"] != nil ? "dependentSchemas" : "dependencies"
            r.absorb(sub(schema, c, .object(m), keyword: "\(keyword)/\(SchemaIndex.escape(name))", instancePath: c.instancePath))
        }
    }

    private func arrayApplicators(_ o: [String: JSONValue], _ a: [JSONValue], _ c: Context, into r: inout EvalResult) {
        var tupleLength = 0
        var tupleKeyword = "prefixItems"
        var restKeyword = "items"
        var tuple: [JSONValue]? = nil
        var rest: JSONValue? = nil
        if c.node.draft == .draft7 {
            if case .array(let t)? = o["items"] {
                tuple = t
                tupleKeyword = "items"
                rest = o["additionalItems"]
                restKeyword = "additionalItems"
            } else {
                rest = o["items"]
            }
        } else {
            tuple = o["prefixItems"]?.arrayValue
            rest = o["items"]
        }
        if let tuple {
            tupleLength = min(tuple.count, a.count)
            for i in 0..<tupleLength {
                let s = sub(tuple[i], c, a[i], keyword: "\(tupleKeyword)/\(i)", instancePath: c.child(i))
                r.errors += s.errors
                if s.isValid { r.items.insert(i) }
            }
        }
        if let rest, a.count > tupleLength {
            for i in tupleLength..<a.count {
                let s = sub(rest, c, a[i], keyword: restKeyword, instancePath: c.child(i))
                r.errors += s.errors
                if s.isValid { r.items.insert(i) }
            }
        }
        if let contains = o["contains"] {
            var matches: [Int] = []
            for (i, item) in a.enumerated() where sub(contains, c, item, keyword: "contains", instancePath: c.child(i)).isValid {
                matches.append(i)
            }
            let draft7 = c.node.draft == .draft7
            let minimum = draft7 ? 1 : Int(o["minContains"]?.numberValue ?? 1)
            if matches.count < minimum {
                let message =
                    minimum == 1 ? "must contain at least one item matching contains" : "must contain at least \(minimum) items matching contains"
                r.errors.append(error(c.instancePath, c.keyword(draft7 || o["minContains"] == nil ? "contains" : "minContains"), message))
            }
            if !draft7, let maximum = o["maxContains"]?.numberValue, Double(matches.count) > maximum {
                r.errors.append(
                    error(
                        c.instancePath, c.keyword("maxContains"), "must contain at most \(JSONValue.format(number: maximum)) items matching contains")
                )
            }
            r.items.formUnion(matches)
        }
    }

    /// `unevaluatedProperties` / `unevaluatedItems`: apply to what no other keyword of this schema (or its
    /// successful subschemas) evaluated.
    func unevaluated(_ o: [String: JSONValue], _ instance: JSONValue, _ c: Context, into r: inout EvalResult) {
        if let schema = o["unevaluatedProperties"], case .object(let m) = instance {
            for name in m.keys.sorted() where !r.properties.contains(name) {
                let s = sub(schema, c, m[name]!, keyword: "unevaluatedProperties", instancePath: c.child(name))
                if s.isValid {
                    r.properties.insert(name)
                } else {
                    r.errors.append(error(c.child(name), c.keyword("unevaluatedProperties"), "is not an allowed property"))
                }
            }
        }
        if let schema = o["unevaluatedItems"], case .array(let a) = instance {
            for i in a.indices where !r.items.contains(i) {
                let s = sub(schema, c, a[i], keyword: "unevaluatedItems", instancePath: c.child(i))
                if s.isValid {
                    r.items.insert(i)
                } else {
                    r.errors.append(error(c.child(i), c.keyword("unevaluatedItems"), "is not an allowed item"))
                }
            }
        }
    }
}
