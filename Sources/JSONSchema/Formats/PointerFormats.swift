/// JSON Pointers (RFC 6901) and relative JSON Pointers.
enum PointerFormats {
    static func isJSONPointer(_ s: String) -> Bool {
        guard s.isEmpty || s.hasPrefix("/") else { return false }
        var chars = s.makeIterator()
        while let c = chars.next() {
            if c == "~" {
                guard let n = chars.next(), n == "0" || n == "1" else { return false }
            }
        }
        return true
    }

    static func isRelativeJSONPointer(_ s: String) -> Bool {
        let digits = s.prefix { $0.isASCIIDigit }
        guard !digits.isEmpty, !(digits.count > 1 && digits.first == "0") else { return false }
        var rest = s.dropFirst(digits.count)
        // An index manipulation (+n / -n) may follow the prefix.
        if let sign = rest.first, sign == "+" || sign == "-" {
            let n = rest.dropFirst().prefix { $0.isASCIIDigit }
            guard !n.isEmpty, !(n.count > 1 && n.first == "0") else { return false }
            rest = rest.dropFirst(1 + n.count)
        }
        return rest == "#" || isJSONPointer(String(rest))
    }
}
