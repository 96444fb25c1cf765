import FERData
import FaceDetection
import Foundation
import Testing

/// Whole-pipeline detections on real photos against facenet-pytorch's MTCNN: the same faces,
/// boxes with IoU >= 0.95 and landmarks within 2 pixels.
@Suite struct DetectionParityTests {
    static func compare(_ photo: String, options: FaceDetectorOptions? = nil, reference key: String = "default") throws {
        let image = try ImageCodec.load(path: Fixtures.path(photo))
        // The same pixels as PIL decoded for the reference.
        #expect(Fixtures.checksum(image) == Fixtures.referenceChecksum(photo))
        let detector = try options.map { try FaceDetector(options: $0) } ?? Fixtures.detector
        let ours = detector.detect(image: image)
        let theirs = Fixtures.referenceFaces(photo, key)
        #expect(ours.count == theirs.count, "\(photo): \(ours.count) faces, reference \(theirs.count)")
        for reference in theirs {
            let overlaps: [Float] = ours.map { $0.box.intersectionOverUnion(reference.box) }
            guard let best = overlaps.indices.max(by: { overlaps[$0] < overlaps[$1] }) else { continue }
            let match = ours[best], iou = overlaps[best]
            #expect(iou >= 0.95, "\(photo): box \(match.box) vs reference \(reference.box), IoU \(iou)")
            #expect(abs(match.score - reference.score) < 1e-3)
            for (ours, theirs) in zip(match.landmarks, reference.landmarks) {
                let dx: Float = ours.x - theirs.x, dy: Float = ours.y - theirs.y
                let distance: Float = (dx * dx + dy * dy).squareRoot()
                #expect(distance <= 2, "\(photo): landmark \(ours) vs reference \(theirs)")
            }
        }
    }

    @Test func astronaut() throws { try Self.compare("astronaut.png") }

    /// A grey PNG: decoded to RGB with equal channels.
    @Test func greyCameraman() throws { try Self.compare("camera-grey.png") }

    /// Three faces of different sizes in one 640x480 photo.
    @Test func groupPhoto() throws { try Self.compare("group-640x480.png") }

    @Test func groupPhotoWithStricterOptions() throws {
        try Self.compare("group-640x480.png", options: FaceDetectorOptions(minimumFaceSize: 40, thresholds: [0.7, 0.8, 0.9]),
                         reference: "min40-thresholds-0.7-0.8-0.9")
    }

    /// Results come best score first.
    @Test func sortedByScore() throws {
        let faces = Fixtures.detector.detect(image: try ImageCodec.load(path: Fixtures.path("group-640x480.png")))
        #expect(faces.count == 3)
        #expect(zip(faces, faces.dropFirst()).allSatisfy { $0.score >= $1.score })
    }
}
