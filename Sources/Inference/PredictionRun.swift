import FERData
import Foundation

/// Everything one prediction run produced.
public struct PredictionResults: Sendable {
    public var predictions: [ImagePrediction]
    /// Inputs that gave no prediction (missing, unreadable, corrupt, oversized, empty folder).
    public var failures: [InputFailure]
    /// Wall-clock seconds of decoding and predicting.
    public var seconds: Double

    public var imagesPerSecond: Double { seconds > 0 ? Double(predictions.count) / seconds : 0 }
}

public enum PredictionRun {
    /// Decodes and predicts `inputs` in batches of `batchSize`. A file that cannot be decoded is
    /// recorded as a failure and skipped; the others are predicted. `progress(done, total)`
    /// is called after each batch.
    public static func run(_ predictor: Predictor, inputs: [ImageInput], batchSize: Int, seed: UInt64,
                           maximumPixels: Int = ImageLoading.defaultMaximumPixels,
                           progress: ((Int, Int) -> Void)? = nil) throws -> PredictionResults {
        try run(predictor, inputs: inputs, batchSize: batchSize, seed: seed, progress: progress) {
            try ImageLoading.load(path: inputs[$0].path, maximumPixels: maximumPixels)
        }
    }

    /// The same with images from `image(position)` (e.g. a data set held in memory).
    public static func run(_ predictor: Predictor, inputs: [ImageInput], batchSize: Int, seed: UInt64,
                           progress: ((Int, Int) -> Void)? = nil, image: (Int) throws -> RGBImage) throws -> PredictionResults {
        guard batchSize >= 1 else { throw InferenceError.invalidOption("--batch-size must be at least 1, got \(batchSize)") }
        let start = Date()
        var predictions: [ImagePrediction] = [], failures: [InputFailure] = []
        var position = 0
        while position < inputs.count {
            let end = min(position + batchSize, inputs.count)
            var images: [RGBImage] = [], batchInputs: [ImageInput] = [], positions: [Int] = []
            for p in position..<end {
                do {
                    images.append(try image(p))
                    batchInputs.append(inputs[p])
                    positions.append(p)
                } catch {
                    failures.append(InputFailure(path: inputs[p].path, message: "\(error)"))
                }
            }
            predictions += predictor.predict(images, inputs: batchInputs, positions: positions, seed: seed)
            position = end
            progress?(position, inputs.count)
        }
        return PredictionResults(predictions: predictions, failures: failures, seconds: Date().timeIntervalSince(start))
    }
}
