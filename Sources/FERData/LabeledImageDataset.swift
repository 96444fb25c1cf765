/// What the training loop, the samplers and the noise injection need from any data set:
/// class names, 0-based labels, and images decoded to RGB on demand. Implementations must be
/// safe to read from several threads at once (the loader decodes in the background).
public protocol LabeledImageDataset: Sendable {
    /// Class names in label order: label k is `classNames[k]`.
    var classNames: [String] { get }
    var count: Int { get }
    /// The 0-based label of sample `index`.
    func label(at index: Int) -> Int
    /// The decoded RGB image of sample `index` (already cropped to the face where the data set
    /// gives a face box). Errors name the file.
    func loadImage(at index: Int) throws -> RGBImage
    /// Where sample `index` comes from (a path, or file and row), for messages.
    func source(at index: Int) -> String
    /// Checks, without decoding, what can be checked of every image before training (files
    /// exist, are JPEG or PNG within ImageCodec's size limits, face boxes lie inside), so that a
    /// bad file stops a run before its first epoch. The default does nothing: in-memory data
    /// sets were validated when they were read.
    func checkImages() throws
}

extension LabeledImageDataset {
    public func checkImages() throws {}
}

extension LabeledImageDataset {
    public var classCount: Int { classNames.count }

    /// Every label, in sample order.
    public var labels: [Int] { (0..<count).map { label(at: $0) } }

    /// How many samples each class has.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for i in 0..<count { counts[label(at: i)] += 1 }
        return counts
    }

    /// The indices of each class's samples, in order.
    public var indicesByClass: [[Int]] {
        var groups = [[Int]](repeating: [], count: classCount)
        for i in 0..<count { groups[label(at: i)].append(i) }
        return groups
    }

    /// The same images with other labels (e.g. after noise injection).
    public func relabeled(_ labels: [Int]) -> RelabeledDataset<Self> {
        RelabeledDataset(base: self, labels: labels)
    }

    /// A one-line summary: size and per-class counts.
    public var summary: String {
        let counts = classCounts
        let perClass = classNames.enumerated().map { "\($0.element) \(counts[$0.offset])" }.joined(separator: ", ")
        return "\(count) images, \(classCount) classes (\(perClass))"
    }
}

/// A data set whose labels are replaced (the noisy training labels), images unchanged.
public struct RelabeledDataset<Base: LabeledImageDataset>: LabeledImageDataset {
    public let base: Base
    public let newLabels: [Int]

    public init(base: Base, labels: [Int]) {
        precondition(labels.count == base.count,
                     "RelabeledDataset: \(labels.count) labels for a data set of \(base.count) samples")
        precondition(labels.allSatisfy { (0..<base.classCount).contains($0) },
                     "RelabeledDataset: labels must lie in 0..<\(base.classCount)")
        self.base = base
        self.newLabels = labels
    }

    public var classNames: [String] { base.classNames }
    public var count: Int { base.count }
    public func label(at index: Int) -> Int { newLabels[index] }
    public func loadImage(at index: Int) throws -> RGBImage { try base.loadImage(at: index) }
    public func source(at index: Int) -> String { base.source(at: index) }
    public func checkImages() throws { try base.checkImages() }
}
