import Autodiff
import FERData
import FaceDetection
import Foundation

/// Tests/FaceDetectionTests/Fixtures, made by Tools/fixtures/make_face_fixtures.py with
/// facenet-pytorch's MTCNN (see that script for how its NMS was provided).
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static let reference: [String: Any] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("reference.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// The detector with the bundled weights, loaded once.
    static let detector: FaceDetector = try! FaceDetector()

    struct Face {
        let box: DetectionBox
        let score: Float
        let landmarks: [FacePoint]
    }

    /// facenet-pytorch's detections for a fixture photo and option set ("default", ...).
    static func referenceFaces(_ photo: String, _ options: String = "default") -> [Face] {
        let detections = reference["detections"] as! [String: Any]
        let faces = (detections[photo] as! [String: Any])[options] as! [[String: Any]]
        return faces.map { face in
            let b = (face["box"] as! [Double]).map(Float.init)
            let points = (face["landmarks"] as! [[Double]]).map { FacePoint(x: Float($0[0]), y: Float($0[1])) }
            return Face(box: DetectionBox(x1: b[0], y1: b[1], x2: b[2], y2: b[3]), score: Float(face["score"] as! Double), landmarks: points)
        }
    }

    /// The checksum the script computed from the pixels PIL decoded (sum of value x (index mod 251 + 1)).
    static func referenceChecksum(_ photo: String) -> Int {
        ((reference["detections"] as! [String: Any])[photo] as! [String: Any])["checksum"] as! Int
    }

    static func checksum(_ image: RGBImage) -> Int {
        image.pixels.enumerated().reduce(0) { $0 + Int($1.element) * ($1.offset % 251 + 1) }
    }

    /// sin(0.1 i) · 0.9 over the flat index, the fixed input the networks were run on.
    static func fixedInput(_ shape: [Int]) -> Tensor<Float> {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { Float(sin(Double($0) * 0.1) * 0.9) })
    }

    /// The PyTorch outputs of one network: (shape, values) per output, in forward's order.
    static func networkOutputs(_ net: String) -> (inputShape: [Int], outputs: [(shape: [Int], values: [Double])]) {
        let entry = (reference["networks"] as! [String: Any])[net] as! [String: Any]
        let outputs = (entry["outputs"] as! [[String: Any]]).map { ($0["shape"] as! [Int], $0["values"] as! [Double]) }
        return (entry["inputShape"] as! [Int], outputs)
    }
}

/// Largest absolute difference between a tensor and reference values (NaN counts as infinite).
func maximumDifference(_ tensor: Tensor<Float>, _ values: [Double]) -> Double {
    precondition(tensor.count == values.count, "\(tensor.count) values vs \(values.count)")
    return zip(tensor.scalars, values).reduce(0.0) { worst, pair in
        let d = abs(Double(pair.0) - pair.1)
        return d.isNaN ? .infinity : max(worst, d)
    }
}
