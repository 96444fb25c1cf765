import Autodiff
import Foundation
import Layers

/// The files and the terminal table of `Example-Predict --detect-faces`: one row per face
/// (photo, face number, box, detector score, then the same columns as a crop's prediction),
/// a row per photo without a face (`note`) and per failure (`error`).
public struct FaceReport {
    public var results: FacePredictionResults
    public var context: PredictionContext

    public init(results: FacePredictionResults, context: PredictionContext) {
        self.results = results
        self.context = context
    }

    var classNames: [String] { context.classNames }
    var usesHUM: Bool { context.usesHUM }

    public static let noFaceNote = "no face found"

    public func csv() -> String {
        let header = ["path", "face", "x1", "y1", "x2", "y2", "score", "true_label"]
            + PredictionReport.predictionHeader(classNames: classNames, usesHUM: usesHUM) + ["note", "error"]
        var rows = [header]
        for f in results.faces {
            let b = f.box
            rows.append([f.path, String(f.faceIndex), number(Double(b.x1)), number(Double(b.y1)), number(Double(b.x2)), number(Double(b.y2)),
                         number(Double(f.score)), f.prediction.trueLabel.map { classNames[$0] } ?? ""]
                        + PredictionReport.predictionCells(f.prediction, classNames: classNames, usesHUM: usesHUM) + ["", ""])
        }
        for path in results.photosWithoutFaces {
            rows.append([path] + Array(repeating: "", count: header.count - 3) + [Self.noFaceNote, ""])
        }
        for failure in results.failures {
            rows.append([failure.path] + Array(repeating: "", count: header.count - 2) + [failure.message])
        }
        return CSVWriter.text(rows)
    }

    public func json() throws -> String {
        struct Document: Encodable {
            var model: String
            var metadata: [String: String]
            var prediction: String
            var mcSamples: Int
            var seed: UInt64
            var classes: [String]
            var photos: Int
            var faces: [FacePrediction]
            var photosWithoutFaces: [String]
            var failures: [InputFailure]
            enum CodingKeys: String, CodingKey {
                case model, metadata, prediction, mcSamples = "mc_samples", seed, classes, photos, faces,
                     photosWithoutFaces = "photos_without_faces", failures
            }
        }
        return try jsonText(Document(model: context.modelPath, metadata: context.metadata.dictionary, prediction: context.mode.rawValue,
                                     mcSamples: context.sampleCount, seed: context.seed, classes: classNames, photos: results.photoCount, faces: results.faces,
                                     photosWithoutFaces: results.photosWithoutFaces, failures: results.failures))
    }

    /// At most `limit` faces, then the photos without a face, the totals and the failures.
    public func table(limit: Int = 50) -> String {
        let header = ["photo", "face", "box (x1,y1)-(x2,y2)", "score"] + PredictionReport.tableHeader + (usesHUM ? PredictionReport.tableHeaderHUM : [])
        var rows: [[String]] = []
        for f in results.faces.prefix(limit) {
            rows.append([shortened(f.path), String(f.faceIndex), f.box.description, fixed(Double(f.score), 3)]
                        + PredictionReport.tableCells(f.prediction, classNames: classNames, usesHUM: usesHUM))
        }
        var lines = results.faces.isEmpty ? [] : aligned([header] + rows)
        if results.faces.count > limit { lines.append("… and \(results.faces.count - limit) more faces (all in the CSV and JSON files)") }
        lines += results.photosWithoutFaces.map { "\(shortened($0)): \(Self.noFaceNote)" }
        lines.append("\(results.faces.count) face(s) in \(results.photoCount) photo(s) (\(results.photosWithoutFaces.count) without a face), "
                     + "detected and predicted in \(fixed(results.seconds, 2)) s")
        if !results.failures.isEmpty {
            lines.append("\(results.failures.count) input(s) failed:")
            lines += results.failures.map { "  \($0.message.hasPrefix($0.path) ? $0.message : $0.path + ": " + $0.message)" }
        }
        return lines.joined(separator: "\n")
    }

    /// Writes the CSV and JSON files (each atomically).
    public func write(csv csvURL: URL, json jsonURL: URL) throws {
        try writeAtomically(csv(), to: csvURL)
        try writeAtomically(try json(), to: jsonURL)
    }
}
