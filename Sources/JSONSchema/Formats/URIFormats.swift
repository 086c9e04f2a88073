/// URIs and IRIs (RFC 3986 / 3987) and URI templates (RFC 6570).
enum URIFormats {
    static let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    static let subDelims = Set("!$&'()*+,;=")

    static func isURI(_ s: String, reference: Bool, international: Bool) -> Bool {
        let uri = URIReference(s)
        if !reference && uri.scheme == nil { return false }
        if let scheme = uri.scheme, !(scheme.first?.isLetter ?? false) { return false }
        if !reference, s.first == ":" { return false }
        if uri.scheme == nil, let colon = s.firstIndex(of: ":"), !s[..<colon].contains("/"), !s[..<colon].contains("?"), !s[..<colon].contains("#") {
            // A first segment with a colon would be read as a scheme.
            return false
        }
        func allowed(_ part: String, extra: Set<Character>) -> Bool {
            var chars = Array(part)[...]
            while let c = chars.first {
                chars = chars.dropFirst()
                if c == "%" {
                    guard chars.count >= 2, chars.prefix(2).allSatisfy(\.isHexDigit) else { return false }
                    chars = chars.dropFirst(2)
                } else if !(unreserved.contains(c) || subDelims.contains(c) || extra.contains(c) || (international && !c.isASCII && c != "\u{FEFF}"))
                {
                    return false
                }
            }
            return true
        }
        if let authority = uri.authority {
            var host = Substring(authority)
            if let at = host.lastIndex(of: "@") {
                guard allowed(String(host[..<at]), extra: [":"]) else { return false }
                host = host[host.index(after: at)...]
            }
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else { return false }
                let literal = host[host.index(after: host.startIndex)..<close]
                guard NetworkFormats.isIPv6(String(literal)) || isIPvFuture(literal) else { return false }
                let port = host[host.index(after: close)...]
                guard port.isEmpty || (port.first == ":" && port.dropFirst().allSatisfy(\.isASCIIDigit)) else { return false }
            } else {
                if let colon = host.lastIndex(of: ":") {
                    guard host[host.index(after: colon)...].allSatisfy(\.isASCIIDigit) else { return false }
                    host = host[..<colon]
                }
                guard allowed(String(host), extra: []) else { return false }
            }
        }
        guard allowed(uri.path, extra: [":", "@", "/"]) else { return false }
        if let q = uri.query, !allowed(q, extra: [":", "@", "/", "?"]) { return false }
        if let f = uri.fragment, !allowed(f, extra: [":", "@", "/", "?"]) { return false }
        return true
    }

    /// RFC 6570 level 4 templates.
    /// `v1.fe80::a+en1`: "v" (any case), hex version, ".", then unreserved / sub-delims / ":".
    static func isIPvFuture(_ s: Substring) -> Bool {
        guard let v = s.first, v == "v" || v == "V", let dot = s.firstIndex(of: ".") else { return false }
        let version = s[s.index(after: s.startIndex)..<dot]
        let rest = s[s.index(after: dot)...]
        return !version.isEmpty && version.allSatisfy(\.isHexDigit) && !rest.isEmpty
            && rest.allSatisfy { unreserved.contains($0) || subDelims.contains($0) || $0 == ":" }
    }

    static func isURITemplate(_ s: String) -> Bool {
        var chars = Array(s.unicodeScalars)[...]
        let forbidden = Set("\"%<>\\^`{|} ".unicodeScalars)
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "{" {
                guard let close = chars.firstIndex(of: "}") else { return false }
                guard isExpression(chars[..<close]) else { return false }
                chars = chars[(close + 1)...]
            } else if c == "%" {
                guard chars.count >= 2, chars.prefix(2).allSatisfy({ Character($0).isHexDigit }) else { return false }
                chars = chars.dropFirst(2)
            } else if c == "}" || forbidden.contains(c) || c.value < 0x21 || c.value == 0x7F {
                return false
            }
        }
        return true
    }

    static func isExpression(_ body: ArraySlice<Unicode.Scalar>) -> Bool {
        var rest = body
        if let first = rest.first, "+#./;?&".unicodeScalars.contains(first) { rest = rest.dropFirst() }
        let specs = rest.split(separator: ",", omittingEmptySubsequences: false)
        guard !specs.isEmpty else { return false }
        for spec in specs {
            var name = spec
            if name.last == "*" {
                name = name.dropLast()
            } else if let colon = name.firstIndex(of: ":") {
                let length = name[(colon + 1)...]
                guard (1...4).contains(length.count), length.first != "0", length.allSatisfy({ $0.properties.numericType == .decimal && $0.isASCII })
                else { return false }
                name = name[..<colon]
            }
            guard !name.isEmpty, name.first != ".", name.last != "." else { return false }
            var previousDot = false
            var i = name.startIndex
            while i < name.endIndex {
                let c = name[i]
                if c == "." {
                    if previousDot { return false }
                    previousDot = true
                } else if c == "%" {
                    guard name.distance(from: i, to: name.endIndex) >= 3,
                        Character(name[name.index(after: i)]).isHexDigit, Character(name[name.index(i, offsetBy: 2)]).isHexDigit
                    else { return false }
                    i = name.index(i, offsetBy: 2)
                    previousDot = false
                } else {
                    guard c.isASCII, Character(c).isLetter || Character(c).isNumber || c == "_" else { return false }
                    previousDot = false
                }
                i = name.index(after: i)
            }
        }
        return true
    }
}
