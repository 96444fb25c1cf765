import FERData
import Foundation
import Testing

/// Each kind of bad input stops with a message that names the file, line or value.
@Suite struct BadInputTests {
    @Test func missingDataFolder() {
        let message = errorMessage { _ = try RAFDB.load(root: "/no/such/rafdb") }
        #expect(message.contains("/no/such/rafdb") && message.contains("RAF-DB data folder"), "\(message)")
        for load in [{ _ = try AffectNet.load(root: "/no/such/x") }, { _ = try FERPlus.load(root: "/no/such/x") },
                     { _ = try ImageFolder.load(root: "/no/such/x") }] {
            #expect(errorMessage(load).contains("/no/such/x"))
        }
    }

    @Test func missingLabelFile() {
        let folder = TemporaryFolder()
        folder.write("x", to: "raf/Image/aligned/readme.txt")
        let message = errorMessage { _ = try RAFDB.load(root: folder.file("raf")) }
        #expect(message.contains("EmoLabel/list_patition_label.txt") && message.contains("not found"), "\(message)")
        let root = Layouts.rafDB(folder)
        let alternative = errorMessage { _ = try RAFDB.load(root: root, trainingLabelList: folder.file("missing.txt")) }
        #expect(alternative.contains("missing.txt"), "\(alternative)")
    }

    @Test func malformedLabelLineIsQuotedWithItsNumber() {
        let folder = TemporaryFolder()
        let root = Layouts.rafDB(folder)
        folder.write("train_00001.jpg 5\ntrain_00002.jpg five\n", to: "raf/EmoLabel/list_patition_label.txt")
        let message = errorMessage { _ = try RAFDB.load(root: root) }
        #expect(message.contains("list_patition_label.txt:2") && message.contains("\"train_00002.jpg five\""), "\(message)")
        folder.write("train_00001.jpg 5 extra\n", to: "raf/EmoLabel/list_patition_label.txt")
        #expect(errorMessage { _ = try RAFDB.load(root: root) }.contains(":1: malformed line \"train_00001.jpg 5 extra\""))
        folder.write("val_0001.jpg 5\n", to: "raf/EmoLabel/list_patition_label.txt")
        #expect(errorMessage { _ = try RAFDB.load(root: root) }.contains("val_0001.jpg"))
    }

    @Test func labelOutOfRange() {
        let folder = TemporaryFolder()
        let root = Layouts.rafDB(folder)
        folder.write("train_00001.jpg 5\n\ntrain_00002.jpg 8\n", to: "raf/EmoLabel/list_patition_label.txt")
        let message = errorMessage { _ = try RAFDB.load(root: root) }
        #expect(message.contains("list_patition_label.txt:3") && message.contains("label 8") && message.contains("1...7"), "\(message)")
        folder.write([Layouts.affectNetHeader, "101/a.jpg,5,4,10,8,,12,0,0"].joined(separator: "\n"),
                     to: "an/training.csv")
        folder.write(Layouts.affectNetHeader, to: "an/validation.csv")
        let affect = errorMessage { _ = try AffectNet.load(root: folder.file("an")) }
        #expect(affect.contains("training.csv:2") && affect.contains("label 12"), "\(affect)")
    }

    @Test func listedImageMissing() throws {
        let folder = TemporaryFolder()
        let root = Layouts.rafDB(folder)
        try FileManager.default.removeItem(atPath: folder.file("raf/Image/aligned/train_00003_aligned.jpg"))
        let message = errorMessage { _ = try RAFDB.load(root: root) }
        #expect(message.contains("list_patition_label.txt:3") && message.contains("train_00003_aligned.jpg"), "\(message)")
        let affectRoot = Layouts.affectNet(folder)
        try FileManager.default.removeItem(atPath: folder.file("affectnet/Manually_Annotated_Images/102/d.jpg"))
        let affect = errorMessage { _ = try AffectNet.load(root: affectRoot) }
        #expect(affect.contains("training.csv:5") && affect.contains("102/d.jpg"), "\(affect)")
    }

    @Test func corruptImageIsNamedWhenLoaded() throws {
        let folder = TemporaryFolder()
        let root = Layouts.rafDB(folder)
        folder.write("garbage", to: "raf/Image/aligned/train_00004_aligned.jpg")
        let (train, _) = try RAFDB.load(root: root)
        let message = errorMessage { _ = try train.loadImage(at: 3) }
        #expect(message.contains("train_00004_aligned.jpg"), "\(message)")
    }

    @Test func emptyClassFolder() throws {
        let folder = TemporaryFolder()
        let root = Layouts.imageFolder(folder)
        try FileManager.default.createDirectory(atPath: folder.file("imgs/train/zzz"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.file("imgs/test/zzz"), withIntermediateDirectories: true)
        folder.write("x", to: "imgs/train/zzz/readme.txt")
        let message = errorMessage { _ = try ImageFolder.load(root: root) }
        #expect(message.contains("imgs/train/zzz") && message.contains("no images"), "\(message)")
    }

    @Test func csvWithWrongColumnsNamesTheExpectedHeader() {
        let folder = TemporaryFolder()
        let root = Layouts.ferPlus(folder)
        folder.write("emotion,pixel,Usage\n0,1 2,Training\n", to: "ferplus/fer2013.csv")
        let message = errorMessage { _ = try FERPlus.load(root: root) }
        #expect(message.contains("fer2013.csv") && message.contains("expected header \"emotion,pixels,Usage\""), "\(message)")
        folder.write("subDirectory_filePath,expression\n", to: "an/training.csv")
        let affect = errorMessage { _ = try AffectNet.load(root: folder.file("an")) }
        #expect(affect.contains("training.csv") && affect.contains(Layouts.affectNetHeader), "\(affect)")
    }

    @Test func malformedCSVRows() {
        let folder = TemporaryFolder()
        let root = Layouts.ferPlus(folder)
        folder.write([Layouts.ferHeader, "0,1 2 3,Training"].joined(separator: "\n"), to: "ferplus/fer2013.csv")
        folder.write([Layouts.ferPlusHeader, "Training,fer0000000.png,9,0,0,0,0,0,0,0,0,0"].joined(separator: "\n"), to: "ferplus/fer2013new.csv")
        let pixels = errorMessage { _ = try FERPlus.load(root: root) }
        #expect(pixels.contains("fer2013.csv:2") && pixels.contains("2304"), "\(pixels)")
        folder.write([Layouts.ferPlusHeader, "Training,fer0000000.png,9,0,x,0,0,0,0,0,0,0"].joined(separator: "\n"), to: "ferplus/fer2013new.csv")
        let votes = errorMessage { _ = try FERPlus.load(root: root) }
        #expect(votes.contains("fer2013new.csv:2") && votes.contains("Training,fer0000000.png,9,0,x"), "\(votes)")
        folder.write([Layouts.ferPlusHeader].joined(separator: "\n"), to: "ferplus/fer2013new.csv")
        #expect(errorMessage { _ = try FERPlus.load(root: root) }.contains("has 1 data rows"))
        folder.write([Layouts.affectNetHeader, "101/a.jpg,5,4,ten,8,,1,0,0"].joined(separator: "\n"), to: "an/training.csv")
        let affect = errorMessage { _ = try AffectNet.load(root: folder.file("an")) }
        #expect(affect.contains("training.csv:2") && affect.contains("101/a.jpg,5,4,ten"), "\(affect)")
    }

    @Test func mismatchedTrainAndTestClasses() throws {
        let folder = TemporaryFolder()
        let root = Layouts.imageFolder(folder)
        try FileManager.default.moveItem(atPath: folder.file("imgs/test/sad"), toPath: folder.file("imgs/test/sadness"))
        let message = errorMessage { _ = try ImageFolder.load(root: root) }
        #expect(message.contains("only in train: sad") && message.contains("only in test: sadness"), "\(message)")
    }

    @Test func badAffectNetFaceBoxNamesTheImage() throws {
        let folder = TemporaryFolder()
        let root = Layouts.affectNet(folder)
        folder.write([Layouts.affectNetHeader, "101/a.jpg,500,400,10,8,,1,0,0"].joined(separator: "\n"),
                     to: "affectnet/Manually_Annotated_file_lists/training.csv")
        let (train, _) = try AffectNet.load(root: root)
        let message = errorMessage { _ = try train.loadImage(at: 0) }
        #expect(message.contains("101/a.jpg") && message.contains("x=500"), "\(message)")
    }
}
