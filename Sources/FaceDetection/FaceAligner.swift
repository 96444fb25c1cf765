import FERData

/// Aligns a detected face: the similarity transform that best maps its five landmarks onto a
/// canonical template (least squares), applied with bilinear sampling, gives an upright crop
/// with the eyes, nose and mouth where recognition and expression models expect them.
public enum FaceAligner {
    /// The canonical positions of left eye, right eye, nose, left and right mouth corner in a
    /// 112x112 crop: the 5-point template that the ArcFace models (InsightFace's `arcface_dst`,
    /// Deng et al. 2019) are trained on, in pixel coordinates with pixel centres at integers.
    public static let template112: [(x: Double, y: Double)] = [
        (38.2946, 51.6963), (73.5318, 51.5014), (56.0252, 71.7366), (41.5493, 92.3655), (70.7299, 92.2041),
    ]

    /// The template scaled to a size x size crop.
    public static func template(size: Int) -> [(x: Double, y: Double)] {
        let s = Double(size) / 112
        return template112.map { ($0.x * s, $0.y * s) }
    }

    /// The transform from image coordinates to crop coordinates for `face`.
    public static func transform(for face: DetectedFace, size: Int = 112) throws -> SimilarityTransform {
        try checkSize(size)
        let points = face.landmarks.map { (x: Double($0.x), y: Double($0.y)) }
        guard points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }),
              let transform = SimilarityTransform.estimate(from: points, to: template(size: size)) else {
            throw FaceDetectionError.invalidOption(name: "landmarks", value: face.landmarks.map(\.description).joined(separator: " "),
                                                   expected: "five finite, distinct points")
        }
        return transform
    }

    /// The aligned size x size crop of `face` (112 by default). Parts of the crop that fall
    /// outside the image are black.
    public static func align(image: RGBImage, face: DetectedFace, size: Int = 112) throws -> RGBImage {
        let forward = try transform(for: face, size: size)
        guard let backward = forward.inverse else {
            throw FaceDetectionError.invalidOption(name: "landmarks", value: "\(face.landmarks)", expected: "points that are not all equal")
        }
        return warp(image, backward, size: size)
    }

    static func checkSize(_ size: Int) throws {
        guard (1...4096).contains(size) else {
            throw FaceDetectionError.invalidOption(name: "crop size", value: "\(size)", expected: "1...4096 pixels")
        }
    }

    /// Samples each crop pixel at `backward(x, y)` in the image, bilinearly; taps outside the
    /// image count as black.
    static func warp(_ image: RGBImage, _ backward: SimilarityTransform, size: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: size * size * 3)
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<size {
                for x in 0..<size {
                    let p = backward.apply(x: Double(x), y: Double(y))
                    guard p.x > -1, p.y > -1, p.x < Double(image.width), p.y < Double(image.height) else { continue }
                    let x0 = Int(p.x.rounded(.down)), y0 = Int(p.y.rounded(.down))
                    let fx = p.x - Double(x0), fy = p.y - Double(y0)
                    for c in 0..<3 {
                        func tap(_ tx: Int, _ ty: Int) -> Double {
                            guard tx >= 0, ty >= 0, tx < image.width, ty < image.height else { return 0 }
                            return Double(src[3 * (ty * image.width + tx) + c])
                        }
                        let top = tap(x0, y0) * (1 - fx) + tap(x0 + 1, y0) * fx
                        let bottom = tap(x0, y0 + 1) * (1 - fx) + tap(x0 + 1, y0 + 1) * fx
                        let value = top * (1 - fy) + bottom * fy
                        out[3 * (y * size + x) + c] = UInt8(max(0, min(255, value.rounded())))
                    }
                }
            }
        }
        return RGBImage(width: size, height: size, pixels: out)
    }
}
