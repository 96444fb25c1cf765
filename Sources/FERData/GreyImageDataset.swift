/// Small grey images held in memory (FER2013/FERPlus: 48×48 pixels from a CSV), expanded to
/// RGB when loaded.
public struct GreyImageDataset: LabeledImageDataset {
    public let classNames: [String]
    public let width: Int
    public let height: Int
    /// All images back to back, width·height bytes each.
    public let pixels: [UInt8]
    public let sampleLabels: [Int]
    /// Where each image came from ("fer2013.csv:124"), for messages.
    public let sources: [String]

    public init(classNames: [String], width: Int, height: Int, pixels: [UInt8], labels: [Int], sources: [String]) {
        precondition(pixels.count == width * height * labels.count,
                     "GreyImageDataset: \(labels.count) images of \(width)x\(height) need \(width * height * labels.count) bytes, got \(pixels.count)")
        precondition(sources.count == labels.count, "GreyImageDataset: \(sources.count) sources, \(labels.count) labels")
        self.classNames = classNames
        self.width = width
        self.height = height
        self.pixels = pixels
        self.sampleLabels = labels
        self.sources = sources
    }

    public var count: Int { sampleLabels.count }
    public func label(at index: Int) -> Int { sampleLabels[index] }
    public func source(at index: Int) -> String { sources[index] }

    public func loadImage(at index: Int) throws -> RGBImage {
        let size = width * height
        return RGBImage(width: width, height: height, grey: Array(pixels[(index * size)..<((index + 1) * size)]))
    }
}
