/// What every prediction report says of its run besides the predictions: the model file and its
/// metadata, how the probabilities were computed (mode, Monte-Carlo samples) and the seed.
/// Shared by `PredictionReport` (one row per image) and `FaceReport` (one row per face).
public struct PredictionContext {
    public var metadata: ModelMetadata
    public var modelPath: String
    public var mode: Predictor.Mode
    public var sampleCount: Int
    public var seed: UInt64

    public init(metadata: ModelMetadata, modelPath: String, mode: Predictor.Mode, sampleCount: Int, seed: UInt64) {
        self.metadata = metadata
        self.modelPath = modelPath
        self.mode = mode
        self.sampleCount = sampleCount
        self.seed = seed
    }

    /// The context of a run of `predictor` with `seed`.
    public init(_ predictor: Predictor, seed: UInt64) {
        self.init(metadata: predictor.loaded.metadata, modelPath: predictor.loaded.path, mode: predictor.mode,
                  sampleCount: predictor.sampleCount, seed: seed)
    }

    var classNames: [String] { metadata.classNames }
    var usesHUM: Bool { metadata.objective.usesHUM }
}
