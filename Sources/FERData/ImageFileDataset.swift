/// A face box in pixels of the full image (AffectNet's face_x, face_y, face_width, face_height).
public struct FaceBox: Equatable, Sendable {
    public var x, y, width, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
}

/// Images on disk with their labels (RAF-DB, AffectNet, ImageFolder): decoded on demand,
/// cropped to the face box when there is one.
public struct ImageFileDataset: LabeledImageDataset {
    public let classNames: [String]
    public let paths: [String]
    public let fileLabels: [Int]
    public let faceBoxes: [FaceBox?]

    public init(classNames: [String], paths: [String], labels: [Int], faceBoxes: [FaceBox?]? = nil) {
        precondition(paths.count == labels.count, "ImageFileDataset: \(paths.count) paths, \(labels.count) labels")
        precondition(faceBoxes == nil || faceBoxes!.count == paths.count,
                     "ImageFileDataset: \(paths.count) paths, \(faceBoxes!.count) face boxes")
        precondition(labels.allSatisfy { (0..<classNames.count).contains($0) },
                     "ImageFileDataset: labels must lie in 0..<\(classNames.count)")
        self.classNames = classNames
        self.paths = paths
        self.fileLabels = labels
        self.faceBoxes = faceBoxes ?? Array(repeating: nil, count: paths.count)
    }

    public var count: Int { paths.count }
    public func label(at index: Int) -> Int { fileLabels[index] }
    public func source(at index: Int) -> String { paths[index] }

    public func loadImage(at index: Int) throws -> RGBImage {
        let image = try ImageCodec.load(path: paths[index])
        guard let box = faceBoxes[index] else { return image }
        do {
            return try image.cropped(x: box.x, y: box.y, width: box.width, height: box.height)
        } catch let error as FERDataError {
            throw FERDataError.invalidValue("\(paths[index]): \(error)")
        }
    }
}
