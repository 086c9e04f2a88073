/// Stateless, seeded pseudo-randomness: the same (seed, stream, index) always gives the same number, so any record
/// can be generated on demand without generating the ones before it.
struct SeededRandom: Sendable {
    let seed: UInt64

    /// SplitMix64's finalizer over the combined inputs.
    func value(_ stream: UInt64, _ index: UInt64, _ salt: UInt64 = 0) -> UInt64 {
        var z = seed &+ stream &* 0x9E37_79B9_7F4A_7C15 &+ index &* 0xBF58_476D_1CE4_E5B9 &+ salt &* 0x94D0_49BB_1331_11EB
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    func int(_ stream: UInt64, _ index: UInt64, _ salt: UInt64 = 0, below bound: Int) -> Int {
        guard bound > 0 else { return 0 }
        return Int(value(stream, index, salt) % UInt64(bound))
    }

    /// A number in `0..<1`.
    func unit(_ stream: UInt64, _ index: UInt64, _ salt: UInt64 = 0) -> Double {
        Double(value(stream, index, salt) >> 11) / Double(1 << 53)
    }

    /// One element of `options`.
    func pick<T>(_ options: [T], _ stream: UInt64, _ index: UInt64, _ salt: UInt64 = 0) -> T {
        options[int(stream, index, salt, below: options.count)]
    }
}
