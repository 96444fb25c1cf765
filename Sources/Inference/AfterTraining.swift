import Autodiff
import FERData
import Foundation

/// What every training run does at its end (called by the examples' runner): write
/// `model.safetensors` from the run's final checkpoint, check that it loads, and draw the
/// contact sheet of test predictions with their test-prediction CSV.
public enum AfterTraining {
    public static let sheetName = "contact-sheet"
    public static let predictionsName = "test-predictions.csv"

    /// Returns lines to print. Replaces the run's own earlier files (a resumed or extended run
    /// updates them). A run whose model is not an LRN model gets a note, not an error.
    public static func finish<D: LabeledImageDataset>(runFolder: URL, test: D, imageLimit: Int = 400, seed: UInt64 = 0,
                                                     batchSize: Int = 32) throws -> [String] {
        let start = Date()
        let exported: (url: URL, metadata: ModelMetadata)
        do {
            exported = try RunExport.export(run: runFolder, overwrite: true)
        } catch InferenceError.notAnLRNRun {
            return ["No model.safetensors for \(runFolder.path): its model is not an LRN model on a ResNet."]
        }
        let loaded = try ModelFile.load(from: exported.url)
        var lines = ["Wrote \(exported.url.path) (\(String(format: "%.2f", Date().timeIntervalSince(start))) s)"]
        guard loaded.metadata.classNames == test.classNames, test.count > 0 else {
            return lines + ["No contact sheet: the test set's classes \(test.classNames) differ from the model's \(loaded.metadata.classNames)."]
        }
        // Evenly spaced test images: every class shows up, and the cost stays bounded.
        let count = min(imageLimit, test.count)
        let indices = (0..<count).map { $0 * test.count / count }
        let inputs = indices.map { ImageInput(path: test.source(at: $0), trueLabel: test.label(at: $0)) }
        let predictor = try Predictor(loaded, mode: .mc)
        let results = try PredictionRun.run(predictor, inputs: inputs, batchSize: batchSize, seed: seed) { try test.loadImage(at: indices[$0]) }
        let report = PredictionReport(results: results, context: PredictionContext(predictor, seed: seed))
        let csv = runFolder.appendingPathComponent(predictionsName)
        try writeAtomically(report.csv(), to: csv)
        let position = Dictionary(inputs.enumerated().map { ($0.element.path, $0.offset) }, uniquingKeysWith: { a, _ in a })
        if let sheet = try ContactSheet.write(results.predictions, classNames: loaded.metadata.classNames,
                                              to: runFolder.appendingPathComponent(sheetName), overwrite: true,
                                              image: { try test.loadImage(at: indices[position[$0.path]!]) }) {
            lines.append("Wrote \(sheet.png.path), \(sheet.svg.path) and \(csv.path) from \(results.predictions.count) test images (\(String(format: "%.1f", results.imagesPerSecond)) images/s)")
        }
        if !results.failures.isEmpty {
            lines.append("\(results.failures.count) test image(s) could not be predicted: " + results.failures.prefix(3).map(\.message).joined(separator: "; "))
        }
        return lines
    }
}
