/// How much of the thread's stack one parse or evaluation may use, measured from where it started.
///
/// Counting levels alone cannot keep a recursive parser or evaluator within a thread's stack: a level costs a few
/// hundred bytes in an optimized build and several kilobytes in a debug build. The budget compares the address of a
/// local variable with the one recorded at the start, so the limit holds in any build, on any thread whose stack has
/// at least ``defaultBytes`` left (Swift's cooperative threads and SwiftNIO's have 8 MiB on Linux).
struct StackBudget {
    /// The default budget: 4 MiB, half of the 8 MiB stack of Swift's cooperative threads and SwiftNIO's event loops
    /// on Linux (a debug build's frames are large: one evaluation level can take several kilobytes).
    static let defaultBytes = 4 << 20

    let base: UInt
    let bytes: UInt

    /// Starts measuring at the caller's frame.
    @inline(never)
    init(bytes: Int = StackBudget.defaultBytes) {
        base = Self.currentAddress()
        self.bytes = UInt(max(0, bytes))
    }

    /// True once the stack has grown past the budget since ``init(bytes:)``. Stacks grow downwards on every platform
    /// Swift supports.
    @inline(never)
    func isExhausted() -> Bool {
        let here = Self.currentAddress()
        return here < base && base - here > bytes
    }

    @inline(never)
    static func currentAddress() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }
}
