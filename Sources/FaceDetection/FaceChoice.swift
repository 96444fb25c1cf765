/// Which face of a photo with several is the one to keep.
public enum FaceChoice: Equatable, Sendable {
    /// The face with the largest box (ties: the higher score). In a photo of one person the
    /// subject is nearly always the largest face; MTCNN's scores are all close to 1 for real
    /// faces, so the most confident face says less about which one is meant.
    case largest
    /// The face whose box overlaps `box` the most (a data set's annotated face box, e.g.
    /// AffectNet's); none when no detected face overlaps it by `minimumOverlap` (IoU) or more.
    case overlapping(DetectionBox, minimumOverlap: Float = 0.3)

    /// The chosen face of `faces`, or nil.
    public func choose(from faces: [DetectedFace]) -> DetectedFace? {
        switch self {
        case .largest:
            return faces.max { a, b in
                let areaA = a.box.width * a.box.height, areaB = b.box.width * b.box.height
                return areaA != areaB ? areaA < areaB : a.score < b.score
            }
        case let .overlapping(box, minimumOverlap):
            let scored = faces.map { ($0, $0.box.intersectionOverUnion(box)) }.filter { $0.1 >= minimumOverlap }
            return scored.max { $0.1 < $1.1 }?.0
        }
    }

    /// How the choice is written in a cache key.
    var keyText: String {
        switch self {
        case .largest: return "largest"
        case let .overlapping(b, minimumOverlap): return "overlapping \(b.x1) \(b.y1) \(b.x2) \(b.y2) iou>=\(minimumOverlap)"
        }
    }
}
