import Foundation

/// Hand-written SVG pictures: training curves and a confusion matrix. Plain SVG 1.1, no
/// scripts or external fonts, so any browser or `rsvg-convert` shows them.
public enum SVGCharts {
    /// Two panels side by side: training loss per epoch, and train/test accuracy per epoch.
    public static func trainingCurves(_ history: [EpochRecord], title: String) -> String {
        let panelWidth = 360.0, panelHeight = 240.0, margin = 50.0
        let width = 2 * panelWidth + 3 * margin, height = panelHeight + 2 * margin + 30
        var svg = header(width: width, height: height)
        svg += text(escape(title), x: width / 2, y: 24, size: 15, anchor: "middle", bold: true)
        let epochs = history.map { Double($0.epoch) }
        let losses = history.map(\.trainLoss).filter(\.isFinite)
        let lossMax = niceCeiling(max(losses.max() ?? 1, 1e-6))
        svg += panel(x: margin, y: margin, width: panelWidth, height: panelHeight,
                     xValues: epochs, yRange: (0, lossMax), yLabel: "training loss", percent: false,
                     series: [("train loss", "#1f77b4", history.map(\.trainLoss))])
        svg += panel(x: 2 * margin + panelWidth, y: margin, width: panelWidth, height: panelHeight,
                     xValues: epochs, yRange: (0, 1), yLabel: "accuracy", percent: true,
                     series: [("train (noisy labels)", "#ff7f0e", history.map(\.trainAccuracy)),
                              ("test", "#2ca02c", history.map(\.testAccuracy))])
        return svg + "</svg>\n"
    }

    /// A heat map of the row-normalised confusion matrix (rows: true class), with counts and
    /// row percentages in the cells.
    public static func confusionMatrix(_ matrix: ConfusionMatrix, title: String) -> String {
        let n = matrix.classCount
        let cell = max(44.0, min(72.0, 560.0 / Double(n)))
        let labelWidth = 8.0 * Double(matrix.classNames.map(\.count).max() ?? 4) + 20
        let left = labelWidth + 30, top = 70.0
        let width = left + cell * Double(n) + 30, height = top + cell * Double(n) + labelWidth + 40
        var svg = header(width: width, height: height)
        svg += text(escape(title), x: width / 2, y: 24, size: 15, anchor: "middle", bold: true)
        svg += text("predicted", x: left + cell * Double(n) / 2, y: top + cell * Double(n) + labelWidth + 28, size: 12, anchor: "middle")
        svg += "<text x=\"14\" y=\"\(f(top + cell * Double(n) / 2))\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(f(top + cell * Double(n) / 2)))\">true</text>\n"
        for truth in 0..<n {
            let rowTotal = matrix.counts[truth].reduce(0, +)
            for prediction in 0..<n {
                let count = matrix.counts[truth][prediction]
                let share = rowTotal == 0 ? 0 : Double(count) / Double(rowTotal)
                let x = left + cell * Double(prediction), y = top + cell * Double(truth)
                svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"\(blue(share))\" stroke=\"#ffffff\"/>\n"
                let ink = share > 0.5 ? "#ffffff" : "#000000"
                svg += text(String(count), x: x + cell / 2, y: y + cell / 2 - 2, size: 12, anchor: "middle", color: ink, bold: truth == prediction)
                svg += text(fixed(share * 100, decimals: 0) + "%", x: x + cell / 2, y: y + cell / 2 + 13, size: 10, anchor: "middle", color: ink)
            }
            svg += text(escape(matrix.classNames[truth]), x: left - 8, y: top + cell * (Double(truth) + 0.5) + 4, size: 12, anchor: "end")
        }
        for (c, name) in matrix.classNames.enumerated() {
            let x = left + cell * (Double(c) + 0.5), y = top + cell * Double(n) + 10
            svg += "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"12\" text-anchor=\"end\" transform=\"rotate(-45 \(f(x)) \(f(y)))\">\(escape(name))</text>\n"
        }
        svg += text("accuracy \(formatPercent(matrix.accuracy)), mean class accuracy \(formatPercent(matrix.meanClassAccuracy))",
                     x: width / 2, y: 46, size: 12, anchor: "middle")
        return svg + "</svg>\n"
    }

    // MARK: pieces

    static func panel(x: Double, y: Double, width: Double, height: Double, xValues: [Double],
                      yRange: (Double, Double), yLabel: String, percent: Bool,
                      series: [(name: String, color: String, values: [Double])]) -> String {
        var svg = "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"none\" stroke=\"#333333\"/>\n"
        let xLow = xValues.min() ?? 0, xHigh = max(xValues.max() ?? 1, xLow + 1)
        func px(_ v: Double) -> Double { x + (v - xLow) / (xHigh - xLow) * width }
        func py(_ v: Double) -> Double { y + height - (v - yRange.0) / (yRange.1 - yRange.0) * height }
        for i in 0...4 {  // horizontal grid with labels
            let v = yRange.0 + (yRange.1 - yRange.0) * Double(i) / 4
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(py(v)))\" x2=\"\(f(x + width))\" y2=\"\(f(py(v)))\" stroke=\"#dddddd\"/>\n"
            let label = percent ? fixed(v * 100, decimals: 0) + "%" : fixed(v, decimals: v < 10 ? 2 : 0)
            svg += text(label, x: x - 6, y: py(v) + 4, size: 10, anchor: "end")
        }
        for tick in epochTicks(low: Int(xLow), high: Int(xHigh)) {
            svg += text(String(tick), x: px(Double(tick)), y: y + height + 16, size: 10, anchor: "middle")
        }
        svg += text("epoch", x: x + width / 2, y: y + height + 32, size: 11, anchor: "middle")
        svg += text(yLabel, x: x + 4, y: y - 8, size: 11, anchor: "start")
        for (index, s) in series.enumerated() {
            let points = zip(xValues, s.values).filter { $0.1.isFinite }
                .map { "\(f(px($0.0))),\(f(py(min(max($0.1, yRange.0), yRange.1))))" }
            if points.count > 1 {
                svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"/>\n"
            }
            for point in points {
                let xy = point.split(separator: ",")
                svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"\(s.color)\"/>\n"
            }
            let ly = y + 14 + Double(index) * 16
            svg += "<line x1=\"\(f(x + width - 150))\" y1=\"\(f(ly - 4))\" x2=\"\(f(x + width - 132))\" y2=\"\(f(ly - 4))\" stroke=\"\(s.color)\" stroke-width=\"2\"/>\n"
            svg += text(escape(s.name), x: x + width - 128, y: ly, size: 10, anchor: "start")
        }
        return svg
    }

    /// About six integer ticks between low and high.
    static func epochTicks(low: Int, high: Int) -> [Int] {
        let step = max(1, (high - low + 5) / 6)
        return Array(stride(from: low, through: high, by: step))
    }

    /// The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten at or above `v`.
    static func niceCeiling(_ v: Double) -> Double {
        var power = 1.0
        while power * 10 < v { power *= 10 }
        while power > v { power /= 10 }
        for m in [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] where m * power >= v { return m * power }
        return 10 * power
    }

    static func header(width: Double, height: Double) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    }

    static func text(_ content: String, x: Double, y: Double, size: Int, anchor: String,
                     color: String = "#000000", bold: Bool = false) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(color)\"\(bold ? " font-weight=\"bold\"" : "")>\(content)</text>\n"
    }

    /// White (0) to dark blue (1).
    static func blue(_ share: Double) -> String {
        let t = min(max(share, 0), 1)
        let r = Int(247 - t * (247 - 8)), g = Int(251 - t * (251 - 48)), b = Int(255 - t * (255 - 107))
        return "rgb(\(r),\(g),\(b))"
    }

    static func f(_ v: Double) -> String { fixed(v, decimals: 1) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

extension SVGCharts {
    /// Test accuracy per epoch of several runs in one panel: the comparison's picture.
    public static func comparison(_ runs: [(name: String, history: [EpochRecord])], title: String) -> String {
        let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
        let panelWidth = 520.0, panelHeight = 280.0, margin = 60.0
        let width = panelWidth + 2 * margin, height = panelHeight + 2 * margin + 30
        var svg = header(width: width, height: height)
        svg += text(escape(title), x: width / 2, y: 24, size: 14, anchor: "middle", bold: true)
        let longest = runs.max { $0.history.count < $1.history.count }?.history ?? []
        let epochs = longest.map { Double($0.epoch) }
        let series = runs.enumerated().map { index, run in
            (name: run.name, color: palette[index % palette.count],
             values: epochs.map { epoch in run.history.first { Double($0.epoch) == epoch }?.testAccuracy ?? .nan })
        }
        svg += panel(x: margin, y: margin, width: panelWidth, height: panelHeight, xValues: epochs,
                     yRange: (0, 1), yLabel: "test accuracy", percent: true, series: series)
        return svg + "</svg>\n"
    }
}
