import FERData
import Foundation

/// The label audit's picture: the most suspicious training images in rank order, each with its
/// given label (G), the out-of-sample prediction and its probability (P, red when it disagrees
/// with the given label) and the entropy bar; drawn with `ContactSheet`'s layout and font.
public enum AuditSheet {
    public static let baseName = "label-audit-sheet"

    /// Rows of `perRow` tiles for the first `count` of `ranked`. A label known to be wrong
    /// (injected noise) is marked with a `*` after the given label.
    public static func rows(_ ranked: [AuditRecord], classNames: [String], count: Int, perRow: Int) -> [(title: String, entries: [ContactSheet.Entry])] {
        precondition(count >= 0 && perRow >= 1, "AuditSheet.rows: count \(count) and perRow \(perRow)")
        let top = Array(ranked.prefix(count))
        return stride(from: 0, to: top.count, by: perRow).map { start in
            let slice = top[start..<min(start + perRow, top.count)]
            let entries = slice.map { r in
                ContactSheet.Entry(prediction: prediction(r), firstLine: "G:" + classNames[r.givenLabel] + (r.isKnownNoisy == true ? "*" : ""),
                                   right: r.predicted == r.givenLabel)
            }
            return ("suspects \(start + 1)-\(start + slice.count)", entries)
        }
    }

    static func prediction(_ r: AuditRecord) -> ImagePrediction {
        ImagePrediction(path: r.source, trueLabel: r.givenLabel, predicted: r.predicted, probabilities: r.probabilities,
                        entropy: entropy(r.probabilities), covariance: nil)
    }

    static func title(knownNoise: Bool) -> String {
        "Most suspicious training labels (G: given label" + (knownNoise ? ", * known wrong" : "")
            + "; P: out-of-sample prediction; bar: entropy / log C)"
    }

    /// Renders and writes `<base>.png` and `<base>.svg` for the first `count` records of
    /// `ranked`; refuses to replace them unless `overwrite`. `image(record)` gives the picture.
    @discardableResult
    public static func write(_ ranked: [AuditRecord], classNames: [String], to base: URL, count: Int = 24, perRow: Int = 8,
                             overwrite: Bool, image: (AuditRecord) throws -> RGBImage) throws -> (png: URL, svg: URL) {
        let png = base.appendingPathExtension("png"), svg = base.appendingPathExtension("svg")
        if !overwrite { for url in [png, svg] where FileManager.default.fileExists(atPath: url.path) { throw InferenceError.wouldOverwrite(path: url.path) } }
        let top = Array(ranked.prefix(count))
        guard top.allSatisfy({ $0.probabilities.count == classNames.count }) else {
            throw InferenceError.invalidOption("the audit sheet needs each record's \(classNames.count) class probabilities")
        }
        // Records are found by source for the picture; the rendered entries carry the source as path.
        var bySource: [String: AuditRecord] = [:]
        for r in top { bySource[r.source] = r }
        let (pngBytes, svgText) = try ContactSheet.render(rows: rows(top, classNames: classNames, count: count, perRow: perRow), classNames: classNames,
                                                          title: title(knownNoise: top.contains { $0.isKnownNoisy != nil }),
                                                          image: { try image(bySource[$0.path]!) })
        try ContactSheet.save(png: pngBytes, svg: svgText, to: (png, svg))
        return (png, svg)
    }
}
