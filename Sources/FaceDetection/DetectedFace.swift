/// A point in image pixel coordinates.
public struct FacePoint: Equatable, Sendable, CustomStringConvertible {
    public var x: Float
    public var y: Float
    public init(x: Float, y: Float) { self.x = x; self.y = y }
    public var description: String { "(\(formatted(x)), \(formatted(y)))" }
}

/// A box by its corners, in image pixel coordinates (x to the right, y down). MTCNN's boxes
/// may reach past the image edges.
public struct DetectionBox: Equatable, Sendable, CustomStringConvertible {
    public var x1: Float, y1: Float, x2: Float, y2: Float
    public init(x1: Float, y1: Float, x2: Float, y2: Float) { self.x1 = x1; self.y1 = y1; self.x2 = x2; self.y2 = y2 }

    public var width: Float { x2 - x1 }
    public var height: Float { y2 - y1 }

    /// Intersection over union (continuous areas).
    public func intersectionOverUnion(_ other: DetectionBox) -> Float {
        let w = max(0, min(x2, other.x2) - max(x1, other.x1)), h = max(0, min(y2, other.y2) - max(y1, other.y1))
        let inter = w * h
        return inter / (width * height + other.width * other.height - inter)
    }

    public var description: String { "(\(formatted(x1)), \(formatted(y1)))-(\(formatted(x2)), \(formatted(y2)))" }
}

/// One face found by `FaceDetector`.
public struct DetectedFace: Equatable, Sendable {
    public var box: DetectionBox
    /// O-Net's face probability, in (threshold, 1].
    public var score: Float
    /// Left eye, right eye, nose, left mouth corner, right mouth corner (left and right as seen
    /// in the image).
    public var landmarks: [FacePoint]

    public init(box: DetectionBox, score: Float, landmarks: [FacePoint]) {
        precondition(landmarks.count == 5, "DetectedFace: 5 landmarks expected, got \(landmarks.count)")
        self.box = box; self.score = score; self.landmarks = landmarks
    }
}

func formatted(_ value: Float) -> String {
    let rounded = (Double(value) * 10).rounded() / 10
    return String(rounded)
}
