import ExecutableTestSupport
import FERData
import Foundation
import Testing

/// `Example-ImageFolder --align` end to end on a folder of real photos: aligned, a faceless
/// photo skipped and reported, one epoch trained; the second run detects nothing.
@Suite struct ExampleImageFolderAlignTests {
    @Test func alignsOnceThenTrainsOnTheCachedCrops() throws {
        let root = ExampleFacesTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let photos: [(String, String)] = [("train/calm/astronaut.png", "astronaut.png"), ("train/crowd/group.png", "group-640x480.png"),
                                          ("test/calm/alpha.png", "astronaut-alpha.png"), ("test/crowd/camera.png", "camera-grey.png")]
        for (target, fixture) in photos {
            let path = (root as NSString).appendingPathComponent(target)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: path)
        }
        let blank = (root as NSString).appendingPathComponent("train/calm/wall.png")
        try ImageCodec.save(RGBImage(width: 120, height: 90, red: 200, green: 190, blue: 170), path: blank)
        let cache = (root as NSString).appendingPathComponent("cache")
        let output = (root as NSString).appendingPathComponent("run")
        let arguments = ["--data", root, "--align", "--align-cache", cache, "--output", output, "--method", "ce",
                         "--backbone", "small", "--image-size", "48", "--epochs", "1", "--batch-size", "2", "--lr", "0.01"]

        let first = try runExample("Example-ImageFolder", arguments)
        #expect(first.status == 0, "\(first.errors)\n\(first.output)")
        #expect(first.output.contains("train: 3 photos, 2 faces kept (0 from the cache), 1 skipped"), "\(first.output)")
        #expect(first.output.contains("test: 2 photos, 2 faces kept (0 from the cache), 0 skipped"))
        #expect(first.output.contains("5 photos run through the detector"))
        #expect(first.output.contains("1 skipped (no face), listed in"))
        let report = try String(contentsOfFile: (output as NSString).appendingPathComponent("alignment-report.csv"), encoding: .utf8)
        #expect(report.contains("train,\(blank),calm,skipped,no face found,0,"))
        #expect(report.split(separator: "\n").count == 6)
        #expect(FileManager.default.fileExists(atPath: (output as NSString).appendingPathComponent("ce/model.safetensors")))
        // Training ran on 48x48 crops from the cache.
        let crops = report.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").last.map(String.init) }
            .filter { $0.hasSuffix(".png") }
        #expect(crops.count == 4)
        for crop in crops {
            let width = try ImageCodec.load(path: crop).width
            #expect(crop.hasPrefix(cache) && width == 48)
        }

        let second = try runExample("Example-ImageFolder", arguments + ["--overwrite"])
        #expect(second.status == 0, "\(second.errors)")
        #expect(second.output.contains("train: 3 photos, 2 faces kept (3 from the cache), 1 skipped"), "\(second.output)")
        #expect(second.output.contains("0 photos run through the detector"))

        // The checkpoint knows it was trained on aligned crops: resuming without --align is refused.
        let unaligned = try runExample("Example-ImageFolder", ["--data", root, "--output", output, "--method", "ce", "--backbone", "small",
                                                   "--image-size", "48", "--epochs", "2", "--batch-size", "2", "--lr", "0.01", "--resume"])
        #expect(unaligned.status != 0)
        #expect(unaligned.errors.contains("- align: checkpoint mtcnn") && !unaligned.errors.contains("batch_size"), "\(unaligned.errors)")
    }

    @Test func noFaceAnywhereIsAnErrorAndFERPlusIsRefused() throws {
        let root = ExampleFacesTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for split in ["train", "test"] {
            for name in ["a", "b"] {
                let folder = (root as NSString).appendingPathComponent("\(split)/\(name)")
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try ImageCodec.save(RGBImage(width: 64, height: 64, red: 90, green: 90, blue: 90), path: folder + "/blank.png")
            }
        }
        let output = (root as NSString).appendingPathComponent("run")
        let run = try runExample("Example-ImageFolder", ["--data", root, "--align", "--align-cache", root + "/cache", "--output", output,
                                             "--backbone", "small", "--epochs", "1"])
        #expect(run.status != 0)
        #expect(run.errors.contains("no face was kept in the train split (2 photos)") && run.errors.contains("alignment-report.csv"), "\(run.errors)")
        #expect(FileManager.default.fileExists(atPath: output + "/alignment-report.csv"))

        let ferPlus = try runExample("Example-FERPlus", ["--data", root, "--align", "--output", output])
        #expect(ferPlus.status != 0 && ferPlus.errors.contains("FERPlus ships 48×48 face crops"), "\(ferPlus.errors)")
        let cacheAlone = try runExample("Example-ImageFolder", ["--data", root, "--align-cache", root + "/c", "--output", output])
        #expect(cacheAlone.status != 0 && cacheAlone.errors.contains("--align-cache is only used with --align"))
    }
}
