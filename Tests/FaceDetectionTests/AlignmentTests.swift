import FERData
@testable import FaceDetection
import Foundation
import Testing

@Suite struct AlignmentTests {
    /// The same least-squares similarity as scikit-image's SimilarityTransform.estimate (Umeyama).
    @Test func estimateMatchesScikitImage() throws {
        let similarity = Fixtures.reference["similarity"] as! [String: Any]
        let source = (similarity["landmarks"] as! [[Double]]).map { (x: $0[0], y: $0[1]) }
        let target = (similarity["template"] as! [[Double]]).map { (x: $0[0], y: $0[1]) }
        let expected = similarity["matrix"] as! [[Double]]
        let ours = try #require(SimilarityTransform.estimate(from: source, to: target)).matrix
        for row in 0..<3 { for column in 0..<3 { #expect(abs(ours[row][column] - expected[row][column]) < 1e-9) } }
        // The template is the one documented in FaceAligner.
        #expect(zip(target, FaceAligner.template112).allSatisfy { $0.x == $1.x && $0.y == $1.y })
    }

    /// Points moved by a known similarity give that similarity back, and its inverse undoes it.
    @Test func recoversAKnownTransform() throws {
        let known = SimilarityTransform(a: 1.3 * cos(0.4), b: 1.3 * sin(0.4), tx: -12.5, ty: 40.25)
        let source = FaceAligner.template112
        let target = source.map { known.apply(x: $0.x, y: $0.y) }
        let found = try #require(SimilarityTransform.estimate(from: source, to: target))
        #expect(abs(found.a - known.a) < 1e-12 && abs(found.b - known.b) < 1e-12)
        #expect(abs(found.tx - known.tx) < 1e-9 && abs(found.ty - known.ty) < 1e-9)
        let back = try #require(found.inverse).apply(x: target[2].x, y: target[2].y)
        #expect(abs(back.x - source[2].x) < 1e-9 && abs(back.y - source[2].y) < 1e-9)
        #expect(SimilarityTransform.estimate(from: [(1, 1), (1, 1)], to: [(0, 0), (2, 2)]) == nil)
    }

    /// Sampling: a whole-pixel shift copies pixels exactly; what falls outside is black; half a
    /// pixel averages neighbours.
    @Test func bilinearWarp() {
        let pixels = (0..<(20 * 10 * 3)).map { UInt8(($0 * 7) % 251) }
        let image = RGBImage(width: 20, height: 10, pixels: pixels)
        let shifted = FaceAligner.warp(image, SimilarityTransform(a: 1, b: 0, tx: 5, ty: 3), size: 8)
        for y in 0..<7 { for x in 0..<8 { #expect(shifted.pixel(x: x, y: y) == image.pixel(x: x + 5, y: y + 3)) } }
        #expect(shifted.pixel(x: 0, y: 7) == (0, 0, 0))  // row 10 is outside the image
        let half = FaceAligner.warp(image, SimilarityTransform(a: 1, b: 0, tx: 0.5, ty: 0), size: 4)
        let (a, b) = (image.pixel(x: 1, y: 2).0, image.pixel(x: 2, y: 2).0)
        #expect(half.pixel(x: 1, y: 2).0 == UInt8(((Double(a) + Double(b)) / 2).rounded()))
    }

    /// The astronaut's aligned crop puts her landmarks on the template, at any size.
    @Test func alignedCropPutsLandmarksOnTheTemplate() throws {
        let image = try ImageCodec.load(path: Fixtures.path("astronaut.png"))
        let face = try #require(Fixtures.detector.detect(image: image).first)
        for size in [112, 64, 224] {
            let crop = try FaceAligner.align(image: image, face: face, size: size)
            #expect(crop.width == size && crop.height == size)
            let transform = try FaceAligner.transform(for: face, size: size)
            for (point, target) in zip(face.landmarks, FaceAligner.template(size: size)) {
                let mapped = transform.apply(x: Double(point.x), y: Double(point.y))
                #expect(abs(mapped.x - target.x) < 0.05 * Double(size) && abs(mapped.y - target.y) < 0.05 * Double(size))
            }
        }
        #expect(throws: FaceDetectionError.self) { try FaceAligner.align(image: image, face: face, size: 0) }
        let collapsed = DetectedFace(box: face.box, score: face.score, landmarks: Array(repeating: face.landmarks[0], count: 5))
        #expect(throws: FaceDetectionError.self) { try FaceAligner.align(image: image, face: collapsed) }
    }
}

@Suite struct AnnotationTests {
    @Test func drawsBoxesAndLandmarksClippedToTheImage() {
        let image = RGBImage(width: 50, height: 40, red: 10, green: 10, blue: 10)
        let inside = DetectedFace(box: DetectionBox(x1: 10, y1: 5, x2: 30, y2: 25), score: 0.9,
                                  landmarks: [FacePoint(x: 15, y: 12), FacePoint(x: 25, y: 12), FacePoint(x: 20, y: 17),
                                              FacePoint(x: 15, y: 21), FacePoint(x: 25, y: 21)])
        let outside = DetectedFace(box: DetectionBox(x1: 40, y1: -10, x2: 70, y2: 60), score: 0.8,
                                   landmarks: Array(repeating: FacePoint(x: 100, y: 100), count: 5))
        let drawn = FaceAnnotation.draw([inside, outside], on: image)
        #expect(drawn.pixel(x: 10, y: 15) == (0, 255, 0))   // left edge
        #expect(drawn.pixel(x: 20, y: 25) == (0, 255, 0))   // bottom edge
        #expect(drawn.pixel(x: 15, y: 12) == (255, 0, 0))   // left eye
        #expect(drawn.pixel(x: 20, y: 17) == (0, 96, 255))  // nose
        #expect(drawn.pixel(x: 20, y: 8) == (10, 10, 10))   // inside the box, untouched
        #expect(drawn.pixel(x: 40, y: 20) == (0, 255, 0))   // the clipped box's left edge
        #expect(image.pixel(x: 10, y: 15) == (10, 10, 10))  // the input is not changed
    }
}
