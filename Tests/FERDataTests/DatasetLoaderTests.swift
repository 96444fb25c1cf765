import FERData
import Foundation
import Testing

/// Fixtures in each data set's published layout, a few images each.
enum Layouts {
    /// RAF-DB basic: 7 training and 3 test images.
    static func rafDB(_ folder: TemporaryFolder) -> String {
        let lines = ["train_00001.jpg 5", "train_00002.jpg 1", "train_00003.jpg 4", "train_00004.jpg 7",
                     "train_00005.jpg 2", "train_00006.jpg 3", "train_00007.jpg 6",
                     "test_0001.jpg 1", "test_0002.jpg 4", "test_0003.jpg 7"]
        folder.write(lines.joined(separator: "\n") + "\n", to: "raf/EmoLabel/list_patition_label.txt")
        for (i, line) in lines.enumerated() {
            let stem = line.split(separator: ".")[0]
            folder.write(image: solidImage(i, width: 20, height: 20), to: "raf/Image/aligned/\(stem)_aligned.jpg")
        }
        return folder.file("raf")
    }

    static let affectNetHeader = "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal"

    static func affectNet(_ folder: TemporaryFolder) -> String {
        let rows: [(String, Int)] = [("101/a.jpg", 1), ("101/b.jpg", 7), ("102/c.png", 9), ("102/d.jpg", 0)]
        var training = [affectNetHeader]
        for (i, (path, expression)) in rows.enumerated() {
            // 30×20 image whose face box (x 5, y 4, 10×8) has its own colour.
            var image = solidImage(i, width: 30, height: 20)
            for y in 4..<12 { for x in 5..<15 { image.pixels[3 * (y * 30 + x)] = 250 } }
            folder.write(image: image, to: "affectnet/Manually_Annotated_Images/\(path)")
            training.append("\(path),5,4,10,8,1.5;2.5;3.5;4.5,\(expression),0.5,-0.25")
        }
        folder.write(training.joined(separator: "\n") + "\n", to: "affectnet/Manually_Annotated_file_lists/training.csv")
        folder.write([affectNetHeader, "101/a.jpg,0,0,30,20,,3,0.1,0.2", "102/d.jpg,5,4,10,8,,10,0,0"].joined(separator: "\n"),
                     to: "affectnet/Manually_Annotated_file_lists/validation.csv")
        return folder.file("affectnet")
    }

    static let ferHeader = "emotion,pixels,Usage"
    static let ferPlusHeader = "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF"

    static func pixels(_ value: Int) -> String {
        (0..<2304).map { String(($0 + value) % 256) }.joined(separator: " ")
    }

    /// Rows: majority happiness; tie neutral/surprise (→ neutral); unknown majority (dropped);
    /// no votes (dropped); PublicTest (skipped by default); PrivateTest majority anger.
    static func ferPlus(_ folder: TemporaryFolder) -> String {
        let fer = [ferHeader, "3,\(pixels(0)),Training", "0,\(pixels(1)),Training", "4,\(pixels(2)),Training",
                   "2,\(pixels(3)),Training", "6,\(pixels(4)),PublicTest", "0,\(pixels(5)),PrivateTest"]
        let votes = [ferPlusHeader,
                     "Training,fer0000000.png,1,8,0,0,0,0,0,0,1,0",
                     "Training,fer0000001.png,4,0,4,0,0,0,0,0,2,0",
                     "Training,fer0000002.png,0,0,0,0,0,0,1,0,9,0",
                     "Training,,0,0,0,0,0,0,0,0,0,0",
                     "PublicTest,fer0000004.png,0,0,0,7,3,0,0,0,0,0",
                     "PrivateTest,fer0000005.png,0,0,0,0,6,2,0,0,0,2"]
        folder.write(fer.joined(separator: "\r\n") + "\r\n", to: "ferplus/fer2013.csv")
        folder.write(votes.joined(separator: "\n") + "\n", to: "ferplus/fer2013new.csv")
        return folder.file("ferplus")
    }

    static func imageFolder(_ folder: TemporaryFolder) -> String {
        for (split, count) in [("train", 3), ("test", 1)] {
            for name in ["sad", "Happy", "angry"] {
                for i in 0..<count {
                    folder.write(image: solidImage(i), to: "imgs/\(split)/\(name)/\(i).\(i % 2 == 0 ? "png" : "jpg")")
                }
            }
        }
        folder.write("not an image", to: "imgs/train/sad/notes.txt")
        folder.write("hidden", to: "imgs/train/sad/.DS_Store")
        return folder.file("imgs")
    }
}

@Suite struct DatasetLoaderTests {
    @Test func rafDBReadsThePublishedLayout() throws {
        let folder = TemporaryFolder()
        let (train, test) = try RAFDB.load(root: Layouts.rafDB(folder))
        #expect(train.count == 7 && test.count == 3)
        #expect(train.labels == [4, 0, 3, 6, 1, 2, 5])  // file labels 1–7 become 0–6
        #expect(test.labels == [0, 3, 6])
        #expect(train.classNames == ["Surprise", "Fear", "Disgust", "Happiness", "Sadness", "Anger", "Neutral"])
        #expect(train.classNames[train.label(at: 0)] == "Sadness")
        let image = try train.loadImage(at: 1)
        #expect(image.width == 20 && abs(Int(image.pixel(x: 5, y: 5).0) - Int(solidImage(1).pixel(x: 0, y: 0).0)) <= 3)
    }

    @Test func rafDBAlternativeTrainingListReplacesOnlyTrainingLabels() throws {
        let folder = TemporaryFolder()
        let root = Layouts.rafDB(folder)
        folder.write("train_00001.jpg 1\ntrain_00002.jpg 1\ntest_0001.jpg 7\n", to: "noisy30.txt")
        let (train, test) = try RAFDB.load(root: root, trainingLabelList: folder.file("noisy30.txt"))
        #expect(train.labels == [0, 0])
        #expect(test.labels == [0, 3, 6])  // the clean test labels, untouched
    }

    @Test func affectNetCropsAndDropsCodes() throws {
        let folder = TemporaryFolder()
        let root = Layouts.affectNet(folder)
        let (train8, test8) = try AffectNet.load(root: root, classCount: 8)
        #expect(train8.labels == [1, 7, 0])  // code 9 dropped
        #expect(train8.classNames[7] == "Contempt")
        #expect(test8.labels == [3])         // code 10 dropped
        let face = try train8.loadImage(at: 0)
        #expect(face.width == 10 && face.height == 8)
        #expect(face.pixel(x: 4, y: 4).0 > 230)  // the box's colour, not the background's
        let (train7, _) = try AffectNet.load(root: root, classCount: 7)
        #expect(train7.labels == [1, 0] && train7.classNames.count == 7)
        let full = try test8.loadImage(at: 0)
        #expect(full.width == 30 && full.height == 20)
        #expect(errorMessage { _ = try AffectNet.load(root: root, classCount: 6) }.contains("7 or 8"))
        let uncropped = try AffectNet.load(root: root, cropToFace: false).train.loadImage(at: 0)
        #expect(uncropped.width == 30 && uncropped.height == 20)
    }

    @Test func ferPlusMajorityVoteAndSplits() throws {
        let folder = TemporaryFolder()
        let (train, test) = try FERPlus.load(root: Layouts.ferPlus(folder))
        #expect(train.labels == [1, 0])  // happiness; the neutral/surprise tie goes to neutral
        #expect(test.labels == [4])      // PrivateTest: anger
        #expect(train.classNames == ["Neutral", "Happiness", "Surprise", "Sadness", "Anger", "Disgust", "Fear", "Contempt"])
        let image = try train.loadImage(at: 1)  // pixel values (i + 1) mod 256, grey → RGB
        #expect(image.width == 48 && image.pixel(x: 3, y: 0) == (4, 4, 4) && image.pixel(x: 0, y: 1) == (49, 49, 49))
        #expect(train.source(at: 1).hasSuffix("fer2013.csv:3"))
        let (_, both) = try FERPlus.load(root: folder.file("ferplus"), testUsages: ["PublicTest", "PrivateTest"])
        #expect(both.labels == [3, 4])
    }

    @Test func ferPlusVoteRule() {
        #expect(FERPlus.majorityLabel(votes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == nil)
        #expect(FERPlus.majorityLabel(votes: [1, 0, 0, 0, 0, 0, 0, 0, 5, 0]) == nil)      // unknown
        #expect(FERPlus.majorityLabel(votes: [1, 0, 0, 0, 0, 0, 0, 0, 0, 5]) == nil)      // not a face
        #expect(FERPlus.majorityLabel(votes: [0, 0, 0, 0, 0, 0, 0, 3, 3, 0]) == 7)        // emotion wins a tie with unknown
        #expect(FERPlus.majorityLabel(votes: [0, 0, 0, 0, 0, 4, 4, 0, 0, 0]) == 5)        // first emotion wins a tie
    }

    @Test func imageFolderSortsClassesAndSkipsOtherFiles() throws {
        let folder = TemporaryFolder()
        let (train, test) = try ImageFolder.load(root: Layouts.imageFolder(folder))
        #expect(train.classNames == ["Happy", "angry", "sad"])  // byte order: capitals first
        #expect(train.count == 9 && test.count == 3)
        #expect(train.classCounts == [3, 3, 3])
        #expect(test.labels == [0, 1, 2])
        #expect(try train.loadImage(at: 1).width == 12)
    }

    @Test func affectNetQuotedFieldsAndRootLevelFiles() throws {
        let folder = TemporaryFolder()
        folder.write(image: solidImage(1, width: 8, height: 8), to: "an/7/a, b.png")
        folder.write(image: solidImage(2, width: 8, height: 8), to: "an/7/c.jpg")
        // CSVs at the root, images at the root, quoted path with a comma, CRLF line ends, BOM.
        folder.write("\u{FEFF}" + Layouts.affectNetHeader + "\r\n\"7/a, b.png\",0,0,8,8,\"1;2\",6,0,0\r\n", to: "an/training.csv")
        folder.write(Layouts.affectNetHeader + "\n7/c.jpg,2,2,4,4,,4,0,0\n", to: "an/validation.csv")
        let (train, test) = try AffectNet.load(root: folder.file("an"), classCount: 7)
        #expect(train.labels == [6] && train.paths[0].hasSuffix("an/7/a, b.png"))
        let face = try test.loadImage(at: 0)
        #expect(test.labels == [4] && face.width == 4)
    }

    @Test func imageFolderAcceptsUpperCaseExtensions() throws {
        let folder = TemporaryFolder()
        for split in ["train", "test"] {
            folder.write(image: solidImage(0), to: "f/\(split)/x/A.PNG")
            folder.write(bytes: try ImageCodec.encodeJPEG(solidImage(1)), to: "f/\(split)/y/B.JPEG")
        }
        let (train, _) = try ImageFolder.load(root: folder.file("f"))
        #expect(train.classNames == ["x", "y"] && train.count == 2)
        #expect(try train.loadImage(at: 1).width == 12)
    }

    @Test func datasetKindLoadsEachLayout() throws {
        let folder = TemporaryFolder()
        let roots: [DatasetKind: String] = [.rafDB: Layouts.rafDB(folder), .affectNet: Layouts.affectNet(folder),
                                            .ferPlus: Layouts.ferPlus(folder), .imageFolder: Layouts.imageFolder(folder)]
        let sizes: [DatasetKind: (Int, Int)] = [.rafDB: (7, 3), .affectNet: (3, 1), .ferPlus: (2, 1), .imageFolder: (9, 3)]
        for kind in DatasetKind.allCases {
            let (train, test) = try kind.load(root: roots[kind]!)
            #expect(train.count == sizes[kind]!.0 && test.count == sizes[kind]!.1, "\(kind)")
        }
        #expect(DatasetKind(rawValue: "affectnet")!.usesClassBalancedSampling && !DatasetKind.rafDB.usesClassBalancedSampling)
        #expect(try DatasetKind.affectNet.load(root: roots[.affectNet]!, options: .init(affectNetClassCount: 7)).train.count == 2)
    }

    @Test func erasedDatasetForwardsEverything() throws {
        let folder = TemporaryFolder()
        let (train, _) = try RAFDB.load(root: Layouts.rafDB(folder))
        let any = train.erased()
        #expect(any.count == 7 && any.labels == train.labels && any.classNames == train.classNames)
        #expect(try any.loadImage(at: 4) == (try train.loadImage(at: 4)) && any.source(at: 4) == train.paths[4])
        let (noisy, noise) = try LabelNoise.apply(to: any, mode: .exactFraction(0.3), seed: 1)
        #expect(noisy.labels == noise.labels && noise.matrix.total == 7)
    }

    @Test func relabeledKeepsImagesAndChangesLabels() throws {
        let folder = TemporaryFolder()
        let (train, _) = try RAFDB.load(root: Layouts.rafDB(folder))
        let noisy = train.relabeled([0, 0, 0, 0, 0, 0, 6])
        #expect(noisy.labels == [0, 0, 0, 0, 0, 0, 6] && noisy.classCounts == [6, 0, 0, 0, 0, 0, 1])
        #expect(try noisy.loadImage(at: 2) == (try train.loadImage(at: 2)))
        #expect(noisy.summary.hasPrefix("7 images, 7 classes (Surprise 6"))
    }
}
