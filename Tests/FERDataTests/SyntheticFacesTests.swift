import Autodiff
import FERData
import Foundation
import Testing

@Suite struct SyntheticFacesTests {
    @Test func sameSeedSameFaceDifferentSeedDifferentFace() {
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5), c = RandomGenerator(seed: 6)
        let first = SyntheticFaces.render(label: 3, size: 64, generator: &a)
        #expect(first == SyntheticFaces.render(label: 3, size: 64, generator: &b))
        #expect(first != SyntheticFaces.render(label: 3, size: 64, generator: &c))
    }

    /// Writes the preview grid (one row per class) beside the temporary files, for a person to look at.
    @Test func previewGridHasOneRowPerClass() throws {
        let grid = SyntheticFaces.previewGrid(perClass: 6, size: 100, seed: 2)
        #expect(grid.width == 6 * 102 + 2 && grid.height == 7 * 102 + 2)
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("ferdata-synthetic-preview.png")
        try ImageCodec.save(grid, path: path)
        #expect(try ImageCodec.load(path: path) == grid)
    }

    @Test func classCountsFollowProportionsAndSumExactly() {
        let counts = SyntheticRAFDB.classCounts(total: 2000, proportions: SyntheticRAFDB.Configuration.rafDBTrainCounts)
        #expect(counts.reduce(0, +) == 2000)
        #expect(counts.allSatisfy { $0 >= 1 })
        #expect(counts[3] == counts.max())  // happiness is the largest class, as in RAF-DB
        #expect(SyntheticRAFDB.classCounts(total: 7, proportions: [1, 1, 1, 1, 1, 1, 100]) == [1, 1, 1, 1, 1, 1, 1])
    }

    @Test func generatedDataSetLoadsThroughTheRAFDBLoader() throws {
        let folder = TemporaryFolder()
        let root = folder.file("synthetic")
        let configuration = SyntheticRAFDB.Configuration(trainCount: 40, testCount: 14, imageSize: 48, seed: 3)
        try SyntheticRAFDB.generate(at: root, configuration: configuration, threads: 2)
        let (train, test) = try RAFDB.load(root: root)
        #expect(train.count == 40 && test.count == 14)
        #expect(train.classCounts == SyntheticRAFDB.classCounts(total: 40, proportions: configuration.classProportions))
        #expect(train.paths[0].hasSuffix("Image/aligned/train_00001_aligned.jpg"))
        #expect(test.paths[0].hasSuffix("Image/aligned/test_0001_aligned.jpg"))
        let image = try train.loadImage(at: 0)
        #expect(image.width == 48 && image.height == 48)
        // Same seed → byte-identical files, whatever the thread count.
        let again = folder.file("again")
        try SyntheticRAFDB.generate(at: again, configuration: configuration, threads: 1)
        for name in ["EmoLabel/list_patition_label.txt", "Image/aligned/train_00007_aligned.jpg", "Image/aligned/test_0003_aligned.jpg"] {
            #expect(FileManager.default.contents(atPath: root + "/" + name) == FileManager.default.contents(atPath: again + "/" + name))
        }
        // ensure() keeps a current data set and regenerates a different one.
        let listPath = root + "/" + RAFDB.labelFile
        let before = try FileManager.default.attributesOfItem(atPath: listPath)[.modificationDate] as! Date
        try SyntheticRAFDB.ensure(at: root, configuration: configuration)
        #expect(try FileManager.default.attributesOfItem(atPath: listPath)[.modificationDate] as! Date == before)
        var bigger = configuration
        bigger.trainCount = 50
        try SyntheticRAFDB.ensure(at: root, configuration: bigger)
        #expect(try RAFDB.load(root: root).train.count == 50)
    }

    @Test func refusesToOverwriteAFolderItDidNotGenerate() throws {
        let folder = TemporaryFolder()
        folder.write("precious", to: "mine/notes.txt")
        let message = errorMessage { try SyntheticRAFDB.ensure(at: folder.file("mine"), configuration: .init(trainCount: 7, testCount: 7, imageSize: 32)) }
        #expect(message.contains("refusing") && message.contains("mine"), "\(message)")
        #expect(FileManager.default.fileExists(atPath: folder.file("mine/notes.txt")))
        #expect(errorMessage { try SyntheticRAFDB.generate(at: folder.file("x"), configuration: .init(trainCount: 3)) }.contains("at least 7"))
    }
}
