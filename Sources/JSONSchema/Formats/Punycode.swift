/// RFC 3492 Punycode decoding (the part after `xn--` of an A-label).
enum Punycode {
    static func decode(_ input: String) -> String? {
        let base = 36
        let tMin = 1
        let tMax = 26
        let skew = 38
        let damp = 700
        var n = 128
        var i = 0
        var bias = 72
        var output: [UInt32] = []
        var rest = Substring(input)
        if let delimiter = input.lastIndex(of: "-") {
            for c in input[..<delimiter] {
                guard c.isASCII, let v = c.unicodeScalars.first?.value else { return nil }
                output.append(v)
            }
            rest = input[input.index(after: delimiter)...]
        }
        var chars = Array(rest)[...]
        while !chars.isEmpty {
            let oldi = i
            var w = 1
            var k = base
            while true {
                guard let c = chars.first else { return nil }
                chars = chars.dropFirst()
                let digit: Int
                if let a = c.asciiValue {
                    switch a {
                    case 48...57: digit = Int(a) - 22
                    case 65...90: digit = Int(a) - 65
                    case 97...122: digit = Int(a) - 97
                    default: return nil
                    }
                } else {
                    return nil
                }
                let (product, overflow) = digit.multipliedReportingOverflow(by: w)
                guard !overflow else { return nil }
                i += product
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < t { break }
                w *= base - t
                k += base
            }
            // Bias adaptation.
            var delta = oldi == 0 ? (i - oldi) / damp : (i - oldi) / 2
            delta += delta / (output.count + 1)
            var kk = 0
            while delta > ((base - tMin) * tMax) / 2 {
                delta /= base - tMin
                kk += base
            }
            bias = kk + (base - tMin + 1) * delta / (delta + skew)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard n <= 0x10FFFF else { return nil }
            output.insert(UInt32(n), at: i)
            i += 1
        }
        var s = ""
        for v in output {
            guard let scalar = Unicode.Scalar(v) else { return nil }
            s.unicodeScalars.append(scalar)
        }
        return s
    }
}
