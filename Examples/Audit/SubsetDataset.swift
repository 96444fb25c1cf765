import FERData

/// Some samples of a data set, with the labels given (the noisy ones): one fold's training or
/// held-out part.
struct SubsetDataset<Base: LabeledImageDataset>: LabeledImageDataset {
    let base: Base
    let indices: [Int]
    let labels: [Int]

    var classNames: [String] { base.classNames }
    var count: Int { indices.count }
    func label(at index: Int) -> Int { labels[indices[index]] }
    func loadImage(at index: Int) throws -> RGBImage { try base.loadImage(at: indices[index]) }
    func source(at index: Int) -> String { base.source(at: indices[index]) }
}
