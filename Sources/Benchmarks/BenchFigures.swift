import Foundation

/// One contender's measurements over the rounds of a benchmark, and its report line: the median records/s with
/// the range, the CPU used per 1,000 records, the bytes posted per record, the peak RSS, and the ratio of medians to a baseline.
struct Figures {
    var rates: [Double] = []
    var cpuPerThousand: [Double] = []
    var peak = 0
    var bytesPerRecord = 0

    mutating func add(records: Int, seconds: Double, cpu: Double, peak: Int, bytes: Int) {
        bytesPerRecord = bytes / max(records, 1)
        rates.append(Double(records) / seconds)
        cpuPerThousand.append(cpu / Double(max(records, 1)) * 1000)
        self.peak = max(self.peak, peak)
    }

    var rate: Double { Self.median(rates) }

    func line(_ label: String, baseline: Figures?) -> String {
        let name = label.padding(toLength: 28, withPad: " ", startingAt: 0)
        var line =
            name
            + String(
                format: "%8.0f records/s [%.0f–%.0f]  CPU %5.1f ms  %5d B  peak RSS %5.1f MB", rate, rates.min() ?? 0, rates.max() ?? 0,
                Self.median(cpuPerThousand) * 1000, bytesPerRecord, Double(peak) / 1_048_576
            )
        if let baseline { line += String(format: "  ratio vs raw %.2f", rate / baseline.rate) }
        return line
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
