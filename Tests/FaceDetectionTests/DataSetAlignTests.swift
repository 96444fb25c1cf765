import ExecutableTestSupport
import FERData
@testable import FaceDetection
import Foundation
import Testing

/// `--align` on the published layouts that ship photos: RAF-DB's `Image/original` (end to end
/// through Example-RAFDB) and AffectNet's full images with the face chosen by the CSV's box.
@Suite struct DataSetAlignTests {
    static func copy(_ fixture: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: path)
    }

    @Test func rafDBAlignsTheOriginalPhotos() throws {
        let root = ExampleFacesTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let listed = [("train_00001", 4, "astronaut.png"), ("train_00002", 7, "camera-grey.png"),
                      ("test_0001", 4, "astronaut-alpha.png"), ("test_0002", 7, "group-640x480.png")]
        try FileManager.default.createDirectory(atPath: root + "/EmoLabel", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/Image/aligned", withIntermediateDirectories: true)
        try listed.map { "\($0.0).jpg \($0.1)" }.joined(separator: "\n").write(toFile: root + "/" + RAFDB.labelFile, atomically: true, encoding: .utf8)
        for (name, _, fixture) in listed {
            // The aligned copies are blank: a run that trained on them would find no face.
            try ImageCodec.save(RGBImage(width: 100, height: 100, red: 128, green: 128, blue: 128), path: root + "/Image/aligned/\(name)_aligned.jpg")
            try Self.copy(fixture, to: root + "/Image/original/\(name).jpg")  // PNG bytes: the codec sniffs the format
        }
        let output = root + "/run"
        let arguments = ["--data", root, "--align", "--align-cache", root + "/cache", "--method", "ce", "--backbone", "small",
                         "--image-size", "48", "--epochs", "1", "--batch-size", "2", "--lr", "0.01"]
        let run = try runExample("Example-RAFDB", arguments + ["--output", output])
        #expect(run.status == 0, "\(run.errors)\n\(run.output)")
        #expect(run.output.contains("train: 2 photos, 2 faces kept (0 from the cache), 0 skipped"), "\(run.output)")
        #expect(run.output.contains("4 photos run through the detector"))
        let report = try String(contentsOfFile: output + "/alignment-report.csv", encoding: .utf8)
        #expect(report.contains("test,\(root)/Image/original/test_0002.jpg,Neutral,aligned,,3,"))

        // An original missing from Image/original is named, with where --align looks.
        try FileManager.default.removeItem(atPath: root + "/Image/original/train_00002.jpg")
        let missing = try runExample("Example-RAFDB", arguments + ["--output", root + "/run2"])
        #expect(missing.status != 0)
        #expect(missing.errors.contains("\(root)/Image/original/train_00002.jpg") && missing.errors.contains("Image/original"), "\(missing.errors)")
    }

    @Test func affectNetKeepsTheFaceInTheAnnotatedBox() throws {
        let root = ExampleFacesTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let images = root + "/Manually_Annotated_Images"
        try Self.copy("group-640x480.png", to: images + "/1/group.png")
        try Self.copy("astronaut.png", to: images + "/2/astronaut.png")
        let header = AffectNet.header.joined(separator: ",")
        // The group's small face on the right (facenet-pytorch: (542, 322)-(566, 351)), the
        // astronaut, and a box where the group photo has no face (a copy: an image may be
        // listed once).
        try FileManager.default.copyItem(atPath: images + "/1/group.png", toPath: images + "/1/group-copy.png")
        try [header, "1/group.png,538,318,32,37,0;0,1,0,0", "2/astronaut.png,110,40,60,72,0;0,0,0,0",
             "1/group-copy.png,0,0,40,40,0;0,0,0,0"].joined(separator: "\n")
            .write(toFile: root + "/training.csv", atomically: true, encoding: .utf8)
        try [header, "2/astronaut.png,110,40,60,72,0;0,1,0,0"].joined(separator: "\n")
            .write(toFile: root + "/validation.csv", atomically: true, encoding: .utf8)

        let (train, _) = try AffectNet.load(root: root, classCount: 8, cropToFace: true)
        let aligner = try CachedFaceAligner(cache: AlignmentCache(folder: root + "/cache"))
        let split = try AlignedSplit.align("train", original: train, sources: PhotoSources.annotatedBoxes(train), aligner: aligner)
        #expect(split.dataset.count == 2 && split.dataset.fileLabels == [1, 0])
        let right = Fixtures.referenceFaces("group-640x480.png")[2].box
        #expect((split.outcomes[0].record.face?.box.intersectionOverUnion(right) ?? 0) > 0.9)
        #expect(split.outcomes[2].skipReason == "3 faces found, none overlapping the annotated face box")
    }
}
