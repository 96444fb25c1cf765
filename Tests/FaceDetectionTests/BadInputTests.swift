import FERData
@testable import FaceDetection
import Foundation
import Testing

@Suite struct BadInputTests {
    /// Smaller than the minimum face size: no pyramid level fits, so no face (not an error).
    @Test func tinyImagesHaveNoFaces() {
        for (w, h) in [(1, 1), (10, 10), (19, 19), (19, 400), (400, 12)] {
            #expect(Fixtures.detector.detect(image: RGBImage(width: w, height: h, red: 128, green: 100, blue: 90)).isEmpty)
        }
    }

    @Test func blankImageHasNoFaces() {
        #expect(Fixtures.detector.detect(image: RGBImage(width: 120, height: 90, red: 200, green: 180, blue: 160)).isEmpty)
    }

    /// A photo over `maximumImageSide` is shrunk for detection; boxes and landmarks come back
    /// in the photo's own coordinates.
    @Test func largePhotosAreShrunkAndMappedBack() throws {
        let astronaut = try ImageCodec.load(path: Fixtures.path("astronaut.png"))
        let large = astronaut.resized(width: 960, height: 960)
        var options = FaceDetectorOptions()
        options.maximumImageSide = 320
        let faces = try FaceDetector(options: options).detect(image: large)
        let reference = Fixtures.referenceFaces("astronaut.png")[0]
        #expect(faces.count == 1)
        let scaled = DetectionBox(x1: reference.box.x1 * 3, y1: reference.box.y1 * 3, x2: reference.box.x2 * 3, y2: reference.box.y2 * 3)
        #expect(faces[0].box.intersectionOverUnion(scaled) > 0.9)
        #expect(abs(faces[0].landmarks[0].x - reference.landmarks[0].x * 3) < 6)
    }

    /// Headers beyond the decoder's limits are refused before any pixel is allocated.
    @Test func hugeImageHeadersAreRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wide-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ImageCodec.save(RGBImage(width: ImageCodec.maximumSide + 1, height: 1, red: 0, green: 0, blue: 0), path: path)
        #expect(throws: FERDataError.imageTooLarge(path: path, width: ImageCodec.maximumSide + 1, height: 1)) {
            _ = try ImageCodec.load(path: path)
        }
    }

    /// An RGBA photo is composed onto black when decoded; its face is found as in the opaque photo.
    @Test func alphaPhoto() throws {
        let image = try ImageCodec.load(path: Fixtures.path("astronaut-alpha.png"))
        #expect(image.pixel(x: 10, y: 100) == (0, 0, 0))
        #expect(image.pixel(x: 39, y: 300) == (0, 0, 0))
        let faces = Fixtures.detector.detect(image: image)
        #expect(faces.count == 1)
        let reference: DetectionBox = Fixtures.referenceFaces("astronaut.png")[0].box
        let overlap: Float = faces.first?.box.intersectionOverUnion(reference) ?? 0
        #expect(overlap >= 0.95)
    }

    /// A grey photo decodes to equal R, G and B.
    @Test func greyPhoto() throws {
        let image = try ImageCodec.load(path: Fixtures.path("camera-grey.png"))
        let p = image.pixels
        let equal = (0..<image.width * image.height).allSatisfy { (i: Int) -> Bool in p[3 * i] == p[3 * i + 1] && p[3 * i] == p[3 * i + 2] }
        #expect(equal)
    }

    @Test func optionsOutOfRange() {
        for options in [FaceDetectorOptions(minimumFaceSize: 11), FaceDetectorOptions(thresholds: [0.6, 0.7]),
                        FaceDetectorOptions(thresholds: [0.6, 1, 0.7]), FaceDetectorOptions(thresholds: [0.6, .nan, 0.7]),
                        FaceDetectorOptions(thresholds: [-0.1, 0.7, 0.7])] {
            #expect(throws: FaceDetectionError.self) { try options.validate() }
        }
        var badScale = FaceDetectorOptions()
        badScale.scaleFactor = 1
        #expect(throws: FaceDetectionError.self) { try badScale.validate() }
        #expect(throws: Never.self) { try FaceDetectorOptions().validate() }
    }

    @Test func thresholdText() throws {
        #expect(try FaceDetectorOptions.parseThresholds("0.6, 0.7,0.8") == [0.6, 0.7, 0.8])
        for text in ["0.6,0.7", "0.6,0.7,0.7,0.7", "a,b,c", "0.6,,0.7", "0.6,0.7,1.5", "nan,0.7,0.7", ""] {
            #expect(throws: FaceDetectionError.self, "\(text)") { try FaceDetectorOptions.parseThresholds(text) }
        }
    }

    /// Thresholds are used: with O-Net's at its strictest no face passes.
    @Test func strictThresholdRejects() throws {
        let image = try ImageCodec.load(path: Fixtures.path("camera-grey.png"))
        let strict = try FaceDetector(options: FaceDetectorOptions(thresholds: [0.6, 0.7, 0.99999]))
        #expect(strict.detect(image: image).isEmpty)
        #expect(Fixtures.detector.detect(image: image).count == 1)
    }
}
