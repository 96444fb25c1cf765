import Foundation

/// The few statistics a study reports.
public enum StudyStatistics {
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation (n − 1); 0 for a single value, NaN for none.
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return values.isEmpty ? .nan : 0 }
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// Ranks 1...n, ties given the mean of the ranks they share.
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let shared = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = shared }
            start = end + 1
        }
        return ranks
    }

    /// Pearson's correlation; NaN when either side is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "pearson: \(x.count) and \(y.count) values")
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxx == 0 || syy == 0 ? .nan : sxy / (sxx * syy).squareRoot()
    }

    /// Spearman's rank correlation: Pearson's on the ranks (ties averaged).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        pearson(ranks(x), ranks(y))
    }
}
