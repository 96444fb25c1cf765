import FaceDetection
import FERData
import Foundation

/// One face found in a photo and its expression: MTCNN's box and score, then the model's
/// prediction on the face aligned (`FaceAligner`) to the model's image size.
public struct FacePrediction: Sendable, Codable, Equatable {
    /// The photo's path.
    public var path: String
    /// 1 for the first face of the photo (the detector's order: best score first).
    public var faceIndex: Int
    public var box: DetectionBox
    public var score: Float
    /// The prediction on the aligned face; its `path` is the photo's.
    public var prediction: ImagePrediction

    public init(path: String, faceIndex: Int, box: DetectionBox, score: Float, prediction: ImagePrediction) {
        self.path = path; self.faceIndex = faceIndex; self.box = box; self.score = score; self.prediction = prediction
    }

    enum CodingKeys: String, CodingKey { case path, faceIndex = "face", box, score, prediction }
    enum BoxKeys: String, CodingKey { case x1, y1, x2, y2 }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        faceIndex = try c.decode(Int.self, forKey: .faceIndex)
        score = try c.decode(Float.self, forKey: .score)
        prediction = try c.decode(ImagePrediction.self, forKey: .prediction)
        let b = try c.nestedContainer(keyedBy: BoxKeys.self, forKey: .box)
        box = DetectionBox(x1: try b.decode(Float.self, forKey: .x1), y1: try b.decode(Float.self, forKey: .y1),
                           x2: try b.decode(Float.self, forKey: .x2), y2: try b.decode(Float.self, forKey: .y2))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(faceIndex, forKey: .faceIndex)
        try c.encode(score, forKey: .score)
        try c.encode(prediction, forKey: .prediction)
        var b = c.nestedContainer(keyedBy: BoxKeys.self, forKey: .box)
        try b.encode(box.x1, forKey: .x1); try b.encode(box.y1, forKey: .y1)
        try b.encode(box.x2, forKey: .x2); try b.encode(box.y2, forKey: .y2)
    }
}

/// Everything a face prediction run produced.
public struct FacePredictionResults: Sendable {
    /// Every face of every readable photo, photo by photo in input order.
    public var faces: [FacePrediction]
    /// Readable photos in which the detector found no face (reported, not failures).
    public var photosWithoutFaces: [String]
    /// Photos read and searched (with or without faces).
    public var photoCount: Int
    /// Inputs that could not be used (missing, unreadable, corrupt, oversized, empty folder).
    public var failures: [InputFailure]
    /// Wall-clock seconds of decoding, detecting, aligning and predicting.
    public var seconds: Double
}
