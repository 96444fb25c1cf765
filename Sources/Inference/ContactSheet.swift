import Autodiff
import FERData
import Foundation

/// The paper's Figure 3 for any model: test images in four rows (correct and confident,
/// correct and uncertain, wrong and confident, wrong and uncertain), each with its true label,
/// the prediction and its probability, and a bar of the uncertainty H(p) / log C. As a PNG
/// (FERData's encoder, text in `BitmapFont`) and as an SVG with the same layout.
public enum ContactSheet {
    public enum Group: Int, CaseIterable, Sendable {
        case correctConfident, correctUncertain, wrongConfident, wrongUncertain

        public var title: String {
            switch self {
            case .correctConfident: return "correct, confident"
            case .correctUncertain: return "correct, uncertain"
            case .wrongConfident: return "wrong, confident"
            case .wrongUncertain: return "wrong, uncertain"
            }
        }
    }

    /// Uncertainty in [0, 1]: predictive entropy over its maximum log C.
    public static func uncertainty(_ p: ImagePrediction) -> Double {
        p.entropy / Foundation.log(Double(max(2, p.probabilities.count)))
    }

    /// Up to `perGroup` labelled predictions per group: the most confident and the most uncertain
    /// of the correct ones and of the wrong ones, never the same image twice. Ties keep input order.
    public static func select(_ predictions: [ImagePrediction], perGroup: Int) -> [(group: Group, items: [ImagePrediction])] {
        let labelled = predictions.filter { $0.trueLabel != nil }
        func split(_ items: [ImagePrediction]) -> (confident: [ImagePrediction], uncertain: [ImagePrediction]) {
            let sorted = items.enumerated().sorted { (uncertainty($0.element), $0.offset) < (uncertainty($1.element), $1.offset) }.map(\.element)
            let confident = Array(sorted.prefix(min(perGroup, (sorted.count + 1) / 2)))
            let uncertain = Array(sorted.dropFirst(confident.count).suffix(perGroup).reversed())
            return (confident, uncertain)
        }
        let correct = split(labelled.filter { $0.isCorrect == true })
        let wrong = split(labelled.filter { $0.isCorrect == false })
        return [(.correctConfident, correct.confident), (.correctUncertain, correct.uncertain),
                (.wrongConfident, wrong.confident), (.wrongUncertain, wrong.uncertain)]
    }

    /// Layout in pixels.
    public struct Layout: Sendable {
        public var tile = 96
        public var gap = 8
        public var margin = 8
        public var lineHeight = 10
        public var barHeight = 6
        public init() {}
        var tileHeight: Int { tile + 3 + 2 * lineHeight + barHeight }
        var charactersPerLine: Int { (tile + 1) / BitmapFont.advance }
    }

    static let title = "Test images by correctness and confidence (T: true, P: predicted; bar: entropy / log C)"
    static let textColor: RGBCanvas.Color = (30, 30, 30)
    static let correctColor: RGBCanvas.Color = (0, 120, 0)
    static let wrongColor: RGBCanvas.Color = (190, 0, 0)
    static let barBackground: RGBCanvas.Color = (220, 220, 220)
    static let barColor: RGBCanvas.Color = (230, 120, 0)

    /// One drawn tile's contents.
    struct Tile {
        var picture: RGBImage
        var truth: String
        var predicted: String
        var uncertainty: Double
        var correct: Bool
        var x: Int, y: Int
    }

    /// What one tile says about its image: the first line (e.g. "T:joy") and whether the
    /// prediction line is drawn as right (green) or wrong (red).
    public struct Entry {
        public var prediction: ImagePrediction
        public var firstLine: String
        public var right: Bool
        public init(prediction: ImagePrediction, firstLine: String, right: Bool) {
            self.prediction = prediction; self.firstLine = firstLine; self.right = right
        }
    }

    /// Figure 3's rows: each image's first line is its true label.
    static func entries(_ groups: [(group: Group, items: [ImagePrediction])], classNames: [String]) -> [(title: String, entries: [Entry])] {
        groups.map { group, items in
            ("\(group.title) (\(items.count))",
             items.map { Entry(prediction: $0, firstLine: "T:" + classNames[$0.trueLabel!], right: $0.isCorrect == true) })
        }
    }

    /// Resolves every selected image and lays the tiles out; the PNG and the SVG draw the same tiles.
    static func tiles(_ rows: [(title: String, entries: [Entry])], classNames: [String], title: String, layout: Layout,
                      image: (ImagePrediction) throws -> RGBImage) throws -> (tiles: [Tile], rowTitles: [(String, Int)], width: Int, height: Int) {
        var tiles: [Tile] = [], titles: [(String, Int)] = []
        var y = layout.margin + 2 * layout.lineHeight
        let columns = max(1, rows.map(\.entries.count).max() ?? 1)
        for (rowTitle, entries) in rows {
            titles.append((rowTitle, y))
            y += layout.lineHeight + 2
            for (column, entry) in entries.enumerated() {
                let p = entry.prediction
                let picture = try image(p).resized(width: layout.tile, height: layout.tile)
                let width = layout.charactersPerLine
                let percent = " " + (p.confidence.isFinite ? String(Int((p.confidence * 100).rounded())) : "nan") + "%"
                // The class name gives way to the probability when the line is too long.
                let predicted = "P:" + classNames[p.predicted].prefix(max(1, width - 2 - percent.count)) + percent
                tiles.append(Tile(picture: picture, truth: String(entry.firstLine.prefix(width)),
                                  predicted: predicted, uncertainty: uncertainty(p),
                                  correct: entry.right, x: layout.margin + column * (layout.tile + layout.gap), y: y))
            }
            y += (entries.isEmpty ? layout.lineHeight : layout.tileHeight) + layout.gap
        }
        let width = max(layout.margin * 2 + columns * layout.tile + (columns - 1) * layout.gap,
                        layout.margin * 2 + BitmapFont.width(of: title))
        return (tiles, titles, width, y + layout.margin - layout.gap)
    }

    /// The PNG bytes and the SVG text of a sheet.
    public static func render(_ groups: [(group: Group, items: [ImagePrediction])], classNames: [String], layout: Layout = Layout(),
                              image: (ImagePrediction) throws -> RGBImage) throws -> (png: [UInt8], svg: String) {
        try render(rows: entries(groups, classNames: classNames), classNames: classNames, title: title, layout: layout, image: image)
    }

    /// The PNG bytes and the SVG text of a sheet of any titled rows of entries.
    public static func render(rows: [(title: String, entries: [Entry])], classNames: [String], title: String, layout: Layout = Layout(),
                              image: (ImagePrediction) throws -> RGBImage) throws -> (png: [UInt8], svg: String) {
        let (tiles, titles, width, height) = try self.tiles(rows, classNames: classNames, title: title, layout: layout, image: image)
        var canvas = RGBCanvas(width: width, height: height)
        canvas.draw(title, x: layout.margin, y: layout.margin, color: textColor)
        var svg = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"monospace\" font-size=\"9\">",
                   "<rect width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>",
                   text(title, x: layout.margin, y: layout.margin, color: textColor)]
        for (rowTitle, y) in titles {
            canvas.draw(rowTitle, x: layout.margin, y: y, color: textColor)
            svg.append(text(rowTitle, x: layout.margin, y: y, color: textColor))
        }
        for tile in tiles {
            let color = tile.correct ? correctColor : wrongColor
            let textY = tile.y + layout.tile + 3
            let barY = textY + 2 * layout.lineHeight
            let filled = tile.uncertainty.isFinite ? Int((min(1, max(0, tile.uncertainty)) * Double(layout.tile)).rounded()) : layout.tile
            canvas.paste(tile.picture, x: tile.x, y: tile.y)
            canvas.draw(tile.truth, x: tile.x, y: textY, color: textColor)
            canvas.draw(tile.predicted, x: tile.x, y: textY + layout.lineHeight, color: color)
            canvas.fill(x: tile.x, y: barY, width: layout.tile, height: layout.barHeight, color: barBackground)
            canvas.fill(x: tile.x, y: barY, width: filled, height: layout.barHeight, color: barColor)
            let encoded = try ImageCodec.encodePNG(tile.picture)
            svg.append("<image x=\"\(tile.x)\" y=\"\(tile.y)\" width=\"\(layout.tile)\" height=\"\(layout.tile)\" href=\"data:image/png;base64,\(Data(encoded).base64EncodedString())\"/>")
            svg.append(text(tile.truth, x: tile.x, y: textY, color: textColor))
            svg.append(text(tile.predicted, x: tile.x, y: textY + layout.lineHeight, color: color))
            svg.append("<rect x=\"\(tile.x)\" y=\"\(barY)\" width=\"\(layout.tile)\" height=\"\(layout.barHeight)\" fill=\"\(hex(barBackground))\"/>")
            svg.append("<rect x=\"\(tile.x)\" y=\"\(barY)\" width=\"\(filled)\" height=\"\(layout.barHeight)\" fill=\"\(hex(barColor))\"><title>uncertainty \(String(format: "%.3f", tile.uncertainty))</title></rect>")
        }
        svg.append("</svg>")
        return (try ImageCodec.encodePNG(canvas.image), svg.joined(separator: "\n") + "\n")
    }

    /// Selects, renders and writes `<base>.png` and `<base>.svg`; refuses to replace them unless
    /// `overwrite`. Returns the two files, or nil when no prediction has a true label.
    @discardableResult
    public static func write(_ predictions: [ImagePrediction], classNames: [String], to base: URL, perGroup: Int = 4,
                             overwrite: Bool, image: (ImagePrediction) throws -> RGBImage) throws -> (png: URL, svg: URL)? {
        let png = base.appendingPathExtension("png"), svg = base.appendingPathExtension("svg")
        if !overwrite { for url in [png, svg] where FileManager.default.fileExists(atPath: url.path) { throw InferenceError.wouldOverwrite(path: url.path) } }
        let groups = select(predictions, perGroup: perGroup)
        guard groups.contains(where: { !$0.items.isEmpty }) else { return nil }
        let (pngBytes, svgText) = try render(groups, classNames: classNames, image: image)
        try save(png: pngBytes, svg: svgText, to: (png, svg))
        return (png, svg)
    }

    /// Writes a rendered sheet's two files (atomically).
    static func save(png pngBytes: [UInt8], svg svgText: String, to urls: (png: URL, svg: URL)) throws {
        try writeAtomically(pngBytes, to: urls.png)
        try writeAtomically(svgText, to: urls.svg)
    }

    static func text(_ s: String, x: Int, y: Int, color: RGBCanvas.Color) -> String {
        let escaped = s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        return "<text x=\"\(x)\" y=\"\(y + BitmapFont.glyphHeight)\" fill=\"\(hex(color))\">\(escaped)</text>"
    }

    static func hex(_ c: RGBCanvas.Color) -> String { String(format: "#%02x%02x%02x", c.red, c.green, c.blue) }
}
