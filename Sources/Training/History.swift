/// What one epoch produced. Kept in the checkpoint, so a resumed run's curves are whole.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var learningRate: Double
    public var trainLoss: Double
    /// Accuracy on the (noisy) training labels.
    public var trainAccuracy: Double
    public var testAccuracy: Double
    public var testMeanClassAccuracy: Double
    public var seconds: Double
    /// The process's peak resident memory during the epoch (training and evaluation), in MB;
    /// nil where it cannot be measured (not Linux) and in checkpoints written before it existed.
    public var peakResidentMegabytes: Double?

    public init(epoch: Int, learningRate: Double, trainLoss: Double, trainAccuracy: Double,
                testAccuracy: Double, testMeanClassAccuracy: Double, seconds: Double, peakResidentMegabytes: Double? = nil) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy
        self.testMeanClassAccuracy = testMeanClassAccuracy
        self.seconds = seconds
        self.peakResidentMegabytes = peakResidentMegabytes
    }
}

/// Everything a finished (or stopped) run reports.
public struct RunResult: Codable, Equatable, Sendable {
    public var name: String
    /// The run's settings as text (method, optimizer, lr, …), in a stable order.
    public var settings: [String: String]
    public var history: [EpochRecord]
    /// The confusion matrix of the last evaluation.
    public var confusion: ConfusionMatrix
    /// The realised label-noise matrix (counts[clean][noisy]) when noise was injected.
    public var noiseMatrix: [[Int]]?

    public init(name: String, settings: [String: String], history: [EpochRecord],
                confusion: ConfusionMatrix, noiseMatrix: [[Int]]? = nil) {
        self.name = name
        self.settings = settings
        self.history = history
        self.confusion = confusion
        self.noiseMatrix = noiseMatrix
    }

    public var finalTestAccuracy: Double { history.last?.testAccuracy ?? 0 }
    public var bestTestAccuracy: Double { history.map(\.testAccuracy).max() ?? 0 }
}
