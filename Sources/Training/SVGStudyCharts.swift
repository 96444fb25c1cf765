import Foundation

/// Charts of multi-seed studies: the spread of a result over seeds, mean curves with a ±1 std
/// band, and two heat maps side by side.
extension SVGCharts {
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    /// One column per group: every seed's value as a dot, the mean as a bar, ±1 std as a whisker.
    /// Values are fractions, shown as percentages from 0 to 100 %.
    public static func spread(_ groups: [(name: String, values: [Double])], title: String, yLabel: String) -> String {
        let column = 110.0, margin = 60.0, plotHeight = 260.0
        let width = max(360, column * Double(groups.count) + 2 * margin), height = plotHeight + 2 * margin + 40
        let left = margin, top = margin, plotWidth = width - 2 * margin
        var svg = header(width: width, height: height)
        svg += text(escape(title), x: width / 2, y: 24, size: 14, anchor: "middle", bold: true)
        func py(_ v: Double) -> Double { top + plotHeight - min(max(v, 0), 1) * plotHeight }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#333333\"/>\n"
        for i in 0...5 {
            let v = Double(i) / 5
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(v)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(v)))\" stroke=\"#dddddd\"/>\n"
            svg += text(fixed(v * 100, decimals: 0) + "%", x: left - 6, y: py(v) + 4, size: 10, anchor: "end")
        }
        svg += text(escape(yLabel), x: left + 4, y: top - 8, size: 11, anchor: "start")
        let step = plotWidth / Double(max(1, groups.count))
        for (index, group) in groups.enumerated() {
            let cx = left + step * (Double(index) + 0.5)
            let color = palette[index % palette.count]
            let finite = group.values.filter(\.isFinite)
            if !finite.isEmpty {
                let m = finite.reduce(0, +) / Double(finite.count)
                let s = finite.count > 1
                    ? (finite.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(finite.count - 1)).squareRoot() : 0
                svg += "<rect x=\"\(f(cx - 18))\" y=\"\(f(py(m)))\" width=\"36\" height=\"\(f(top + plotHeight - py(m)))\" fill=\"\(color)\" fill-opacity=\"0.25\"/>\n"
                svg += "<line x1=\"\(f(cx))\" y1=\"\(f(py(m - s)))\" x2=\"\(f(cx))\" y2=\"\(f(py(m + s)))\" stroke=\"#000000\" stroke-width=\"1.5\"/>\n"
                for v in [m - s, m + s] {
                    svg += "<line x1=\"\(f(cx - 8))\" y1=\"\(f(py(v)))\" x2=\"\(f(cx + 8))\" y2=\"\(f(py(v)))\" stroke=\"#000000\" stroke-width=\"1.5\"/>\n"
                }
                svg += text("\(fixed(m * 100, decimals: 1)) ± \(fixed(s * 100, decimals: 1))", x: cx, y: top + plotHeight + 30, size: 10, anchor: "middle")
            }
            for (k, v) in finite.enumerated() {
                let jitter = (Double(k) - Double(finite.count - 1) / 2) * 5
                svg += "<circle cx=\"\(f(cx + jitter))\" cy=\"\(f(py(v)))\" r=\"3.5\" fill=\"\(color)\" stroke=\"#000000\" stroke-width=\"0.5\"/>\n"
            }
            svg += text(escape(group.name), x: cx, y: top + plotHeight + 16, size: 11, anchor: "middle")
        }
        svg += text("dots: one seed each; bar: mean; whisker: ±1 standard deviation", x: width / 2, y: height - 12, size: 10, anchor: "middle")
        return svg + "</svg>\n"
    }

    /// A series of a mean-curves panel: the mean per epoch and its standard deviation over seeds.
    public struct MeanCurve: Sendable {
        public var name: String
        public var mean: [Double]
        public var standardDeviation: [Double]
        public init(name: String, mean: [Double], standardDeviation: [Double]) {
            self.name = name
            self.mean = mean
            self.standardDeviation = standardDeviation
        }
    }

    /// Panels side by side, each with curves over `epochs` (values are fractions): the mean as
    /// a line, ±1 std as a shaded band.
    public static func meanCurves(epochs: [Int], panels: [(yLabel: String, curves: [MeanCurve])], title: String) -> String {
        let panelWidth = 400.0, panelHeight = 280.0, margin = 60.0
        let width = Double(panels.count) * (panelWidth + margin) + margin, height = panelHeight + 2 * margin + 30
        var svg = header(width: width, height: height)
        svg += text(escape(title), x: width / 2, y: 24, size: 14, anchor: "middle", bold: true)
        let xs = epochs.map(Double.init)
        let xLow = xs.min() ?? 0, xHigh = max(xs.max() ?? 1, xLow + 1)
        for (p, panel) in panels.enumerated() {
            let x = margin + Double(p) * (panelWidth + margin), y = margin
            func px(_ v: Double) -> Double { x + (v - xLow) / (xHigh - xLow) * panelWidth }
            func py(_ v: Double) -> Double { y + panelHeight - min(max(v, 0), 1) * panelHeight }
            for (index, curve) in panel.curves.enumerated() {
                let points = zip(xs, zip(curve.mean, curve.standardDeviation)).filter { $0.1.0.isFinite && $0.1.1.isFinite }
                guard points.count > 1 else { continue }
                let upper = points.map { "\(f(px($0.0))),\(f(py($0.1.0 + $0.1.1)))" }
                let lower = points.reversed().map { "\(f(px($0.0))),\(f(py($0.1.0 - $0.1.1)))" }
                svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(palette[index % palette.count])\" fill-opacity=\"0.15\" stroke=\"none\"/>\n"
            }
            svg += self.panel(x: x, y: y, width: panelWidth, height: panelHeight, xValues: xs, yRange: (0, 1), yLabel: panel.yLabel, percent: true,
                              series: panel.curves.enumerated().map { (name: $1.name, color: palette[$0 % palette.count], values: $1.mean) })
        }
        svg += text("lines: mean over seeds; bands: ±1 standard deviation", x: width / 2, y: height - 8, size: 10, anchor: "middle")
        return svg + "</svg>\n"
    }

    /// Two labelled square matrices side by side, each cell coloured by its value scaled to the
    /// matrix's own range and printed to two decimals (the diagonal drawn grey when `hideDiagonal`).
    public static func heatMapPair(left: (title: String, values: [[Double]]), right: (title: String, values: [[Double]]),
                                   classNames: [String], title: String, hideDiagonal: Bool = true) -> String {
        let n = classNames.count
        let cell = 48.0, labelWidth = 8.0 * Double(classNames.map(\.count).max() ?? 4) + 16
        let mapWidth = labelWidth + cell * Double(n) + 30
        let width = 2 * mapWidth + 40, height = 80 + cell * Double(n) + labelWidth + 20
        var svg = header(width: width, height: height)
        svg += text(escape(title), x: width / 2, y: 24, size: 14, anchor: "middle", bold: true)
        for (m, map) in [left, right].enumerated() {
            let x0 = 20 + Double(m) * (mapWidth + 20) + labelWidth, y0 = 70.0
            svg += text(escape(map.title), x: x0 + cell * Double(n) / 2, y: 52, size: 12, anchor: "middle", bold: true)
            let off = (0..<n).flatMap { i in (0..<n).filter { !hideDiagonal || $0 != i }.map { map.values[i][$0] } }.filter(\.isFinite)
            let low = min(0, off.min() ?? 0), high = max(off.max() ?? 1, low + 1e-9)
            for i in 0..<n {
                for j in 0..<n {
                    let v = map.values[i][j]
                    let x = x0 + cell * Double(j), y = y0 + cell * Double(i)
                    let diagonal = hideDiagonal && i == j
                    let share = (v - low) / (high - low)
                    let fill = diagonal || !v.isFinite ? "#eeeeee" : blue(share)
                    svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"\(fill)\" stroke=\"#ffffff\"/>\n"
                    if !diagonal {
                        svg += text(v.isFinite ? fixed(v, decimals: 2) : "NaN", x: x + cell / 2, y: y + cell / 2 + 4, size: 10,
                                    anchor: "middle", color: share > 0.5 ? "#ffffff" : "#000000")
                    }
                }
                svg += text(escape(classNames[i]), x: x0 - 6, y: y0 + cell * (Double(i) + 0.5) + 4, size: 11, anchor: "end")
            }
            for (c, name) in classNames.enumerated() {
                let x = x0 + cell * (Double(c) + 0.5), y = y0 + cell * Double(n) + 10
                svg += "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-45 \(f(x)) \(f(y)))\">\(escape(name))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }
}
