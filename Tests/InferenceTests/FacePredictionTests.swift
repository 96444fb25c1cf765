import FaceDetection
import FERData
import Foundation
@testable import Inference
import Testing

/// The FaceDetection fixture photos (Tests/FaceDetectionTests/Fixtures): astronaut.png holds
/// one face, group-640x480.png three.
enum FacePhotos {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FaceDetectionTests/Fixtures")
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    static let detector: FaceDetector = try! FaceDetector()

    /// A flat grey photo: nothing for MTCNN to find.
    static func writeBlank(to url: URL) throws {
        try writeImage(RGBImage(width: 120, height: 90, pixels: [UInt8](repeating: 128, count: 120 * 90 * 3)), to: url)
    }
}

@Suite final class FacePredictionTests {
    let folder = TemporaryFolder()

    func predictor() throws -> Predictor {
        let model = tinyModel()
        model.head.initializeNoiseScale(0.5)
        return try Predictor(LoadedModel(model: model, metadata: tinyMetadata(), path: "memory"), mode: .mc, sampleCount: 30)
    }

    @Test func everyFaceGetsTheDetectorsBoxAndTheCropPrediction() throws {
        let blank = folder.url.appendingPathComponent("blank.png")
        try FacePhotos.writeBlank(to: blank)
        let photos = [FacePhotos.path("astronaut.png"), blank.path, FacePhotos.path("group-640x480.png"), folder.url.appendingPathComponent("missing.png").path]
        let predictor = try predictor()
        var seen: [(String, Int)] = []
        let results = try FacePredictionRun.run(predictor, detector: FacePhotos.detector, inputs: photos.map { ImageInput(path: $0) }, seed: 5,
                                                photoDone: { input, _, detected, faces in
                                                    #expect(detected.count == faces.count)
                                                    seen.append((input.path, faces.count))
                                                })
        #expect(seen.map(\.0) == Array(photos.prefix(3)) && seen.map(\.1) == [1, 0, 3])
        #expect(results.photoCount == 3)
        #expect(results.photosWithoutFaces == [blank.path])
        #expect(results.failures.map(\.path) == [photos[3]])
        #expect(results.faces.map(\.faceIndex) == [1, 1, 2, 3])

        // Boxes and scores are exactly the detector's; each prediction is the crop's, aligned
        // to the model's 8 px with its draws from (seed, position among the faces).
        var position = 0
        for photo in [photos[0], photos[2]] {
            let image = try ImageCodec.load(path: photo)
            let detected = FacePhotos.detector.detect(image: image)
            let rows = results.faces.filter { $0.path == photo }
            #expect(rows.map(\.box) == detected.map(\.box) && rows.map(\.score) == detected.map(\.score))
            for (k, face) in detected.enumerated() {
                let crop = try FaceAligner.align(image: image, face: face, size: 8)
                let expected = predictor.predict([crop], inputs: [ImageInput(path: photo)], positions: [position], seed: 5)[0]
                #expect(rows[k].prediction == expected)
                #expect(rows[k].prediction.covariance != nil)
                position += 1
            }
        }

        let report = FaceReport(results: results, context: PredictionContext(metadata: tinyMetadata(), modelPath: "m", mode: .mc, sampleCount: 30, seed: 5))
        let lines = report.csv().split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1 + 4 + 1 + 1)
        #expect(lines[0].hasPrefix("path,face,x1,y1,x2,y2,score,true_label,predicted,confidence,entropy,p_anger,p_joy,p_calm,winning_logit_variance"))
        #expect(lines[0].hasSuffix(",note,error"))
        #expect(lines[1].hasPrefix(photos[0] + ",1,\(Double(results.faces[0].box.x1)),"))
        #expect(lines[5].hasPrefix(blank.path + ",") && lines[5].hasSuffix(",no face found,"))
        #expect(lines[6].hasPrefix(photos[3] + ",") && !lines[6].hasSuffix(","))
        let table = report.table()
        #expect(table.contains("blank.png: no face found") && table.contains("4 face(s) in 3 photo(s) (1 without a face)"))

        let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as! [String: Any]
        let faces = json["faces"] as! [[String: Any]]
        #expect(faces.count == 4 && json["photos_without_faces"] as? [String] == [blank.path])
        #expect(((faces[3]["box"] as! [String: Double])["x2"]).map(Float.init) == results.faces[3].box.x2)
        #expect(try JSONDecoder().decode(FacePrediction.self, from: JSONSerialization.data(withJSONObject: faces[1])) == results.faces[1])
    }

    /// The label band sits above the box, black, with white font pixels of the predicted class.
    @Test func annotationDrawsBoxesAndLabels() throws {
        let image = try ImageCodec.load(path: FacePhotos.path("astronaut.png"))
        let detected = FacePhotos.detector.detect(image: image)
        let probabilities = [0.1, 0.7, 0.2]
        let face = FacePrediction(path: "astronaut.png", faceIndex: 1, box: detected[0].box, score: detected[0].score,
                                  prediction: ImagePrediction(path: "astronaut.png", trueLabel: nil, predicted: 1, probabilities: probabilities,
                                                              entropy: entropy(probabilities), covariance: nil))
        #expect(FacePhotoAnnotation.label(face, classNames: ["anger", "joy", "calm"]) == "1 joy 70%")
        let drawn = FacePhotoAnnotation.draw([face], detected: detected, on: image, classNames: ["anger", "joy", "calm"])
        let boxesOnly = FaceAnnotation.draw(detected, on: image)
        #expect(drawn.width == image.width && drawn.height == image.height)
        let s = FacePhotoAnnotation.scale(for: image), bandHeight = (BitmapFont.glyphHeight + 4) * s
        let x = Int(detected[0].box.x1.rounded()), top = Int(detected[0].box.y1.rounded()) - bandHeight
        #expect(top >= 0)
        #expect(drawn.pixel(x: x, y: top) == (0, 0, 0))
        // The "1" of the label: its glyph's column 2, row 0 is set.
        #expect(BitmapFont.isSet("1", x: 2, y: 0))
        #expect(drawn.pixel(x: x + 2 * s + 2 * s, y: top + 2 * s) == (255, 255, 255))
        // Away from the label, the picture is FaceDetection's annotation.
        let below = Int(detected[0].box.y2.rounded()) + 5
        #expect((0..<image.width).allSatisfy { drawn.pixel(x: $0, y: below) == boxesOnly.pixel(x: $0, y: below) })
        let nothing = FacePhotoAnnotation.draw([], detected: [], on: image, classNames: ["a"])
        #expect(nothing.pixel(x: 0, y: 0) == (0, 0, 0))
    }

    @Test func twoPhotosWithOneNameAreRefused() throws {
        let outputs = try FacePhotoAnnotation.outputs(for: ["a/x.png", "b/y.jpg"], in: folder.url)
        #expect(outputs["a/x.png"]?.lastPathComponent == "x-faces.png")
        let error = thrownError { _ = try FacePhotoAnnotation.outputs(for: ["a/x.png", "b/x.jpg"], in: self.folder.url) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("a/x.png and b/x.jpg"))
    }
}
