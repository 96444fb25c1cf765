/// Any data set behind one concrete type, so that code choosing the data set at run time
/// (`--data` of RAF-DB, AffectNet, FERPlus or an ImageFolder) can hold it in one variable and
/// hand it to `BatchLoader`.
public struct AnyLabeledImageDataset: LabeledImageDataset {
    public let classNames: [String]
    public let count: Int
    private let labelAt: @Sendable (Int) -> Int
    private let imageAt: @Sendable (Int) throws -> RGBImage
    private let sourceAt: @Sendable (Int) -> String
    private let checkAll: @Sendable () throws -> Void

    public init<D: LabeledImageDataset>(_ dataset: D) {
        classNames = dataset.classNames
        count = dataset.count
        labelAt = { dataset.label(at: $0) }
        imageAt = { try dataset.loadImage(at: $0) }
        sourceAt = { dataset.source(at: $0) }
        checkAll = { try dataset.checkImages() }
    }

    public func label(at index: Int) -> Int { labelAt(index) }
    public func loadImage(at index: Int) throws -> RGBImage { try imageAt(index) }
    public func source(at index: Int) -> String { sourceAt(index) }
    public func checkImages() throws { try checkAll() }
}

extension LabeledImageDataset {
    public func erased() -> AnyLabeledImageDataset { AnyLabeledImageDataset(self) }
}

extension LabelNoise {
    /// The training set with noisy labels, and what was done to it. Only ever pass a training
    /// set: the test set keeps its clean labels.
    public static func apply<D: LabeledImageDataset>(to trainingSet: D, mode: NoiseMode, seed: UInt64)
        throws -> (dataset: RelabeledDataset<D>, noise: NoisyLabels) {
        let noise = try inject(trainingLabels: trainingSet.labels, classNames: trainingSet.classNames, mode: mode, seed: seed)
        return (trainingSet.relabeled(noise.labels), noise)
    }
}
