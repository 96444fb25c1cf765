import FERData
import Foundation
import Testing

/// Label files that repeat an image, name unknown splits, are out of order or point outside the
/// data folder are refused with file:line.
@Suite struct LabelFileRulesTests {
    let rafList = "raf/EmoLabel/list_patition_label.txt"

    @Test func rafDBRepeatedImageIsRefusedWithBothLines() throws {
        let folder = TemporaryFolder()
        let root = Layouts.rafDB(folder)
        folder.write("train_00001.jpg 5\ntrain_00002.jpg 1\ntest_0001.jpg 1\ntrain_00001.jpg 5\n", to: rafList)
        let duplicate = errorMessage { _ = try RAFDB.load(root: root) }
        #expect(duplicate.contains("list_patition_label.txt:4") && duplicate.contains("list_patition_label.txt:1")
                && duplicate.contains("duplicate") && duplicate.contains("train_00001.jpg"), "\(duplicate)")
        folder.write("train_00001.jpg 5\ntrain_00002.jpg 1\ntest_0001.jpg 1\ntrain_00001.jpg 2\n", to: rafList)
        let conflict = errorMessage { _ = try RAFDB.load(root: root) }
        #expect(conflict.contains("list_patition_label.txt:4") && conflict.contains("list_patition_label.txt:1")
                && conflict.contains("conflicting labels") && conflict.contains("5") && conflict.contains("2"), "\(conflict)")
        // A published noisy list follows the same rule.
        folder.write("train_00001.jpg 5\ntrain_00002.jpg 1\ntest_0001.jpg 1\n", to: rafList)
        folder.write("train_00001.jpg 1\ntrain_00001.jpg 3\n", to: "noisy.txt")
        let noisy = errorMessage { _ = try RAFDB.load(root: root, trainingLabelList: folder.file("noisy.txt")) }
        #expect(noisy.contains("noisy.txt:2") && noisy.contains("noisy.txt:1") && noisy.contains("conflicting"), "\(noisy)")
    }

    @Test func affectNetRepeatedImageIsRefusedWithBothLines() throws {
        let folder = TemporaryFolder()
        let root = Layouts.affectNet(folder)
        let csv = "affectnet/Manually_Annotated_file_lists/training.csv"
        folder.write([Layouts.affectNetHeader, "101/a.jpg,5,4,10,8,,1,0,0", "101/b.jpg,5,4,10,8,,2,0,0",
                      "101/a.jpg,5,4,10,8,,1,0,0"].joined(separator: "\n"), to: csv)
        let duplicate = errorMessage { _ = try AffectNet.load(root: root) }
        #expect(duplicate.contains("training.csv:4") && duplicate.contains("training.csv:2")
                && duplicate.contains("duplicate") && duplicate.contains("101/a.jpg"), "\(duplicate)")
        // Also when the other row has a dropped code (9 = uncertain): the two rows disagree.
        folder.write([Layouts.affectNetHeader, "101/a.jpg,5,4,10,8,,1,0,0", "./101/a.jpg,5,4,10,8,,9,0,0"]
            .joined(separator: "\n"), to: csv)
        let conflict = errorMessage { _ = try AffectNet.load(root: root) }
        #expect(conflict.contains("training.csv:3") && conflict.contains("training.csv:2")
                && conflict.contains("conflicting labels"), "\(conflict)")
    }

    @Test func ferPlusRepeatedImageNameIsRefusedWithBothLines() throws {
        let folder = TemporaryFolder()
        let root = Layouts.ferPlus(folder)
        let fer = [Layouts.ferHeader] + (0..<3).map { "0,\(Layouts.pixels($0)),Training" } + ["0,\(Layouts.pixels(3)),PrivateTest"]
        folder.write(fer.joined(separator: "\n"), to: "ferplus/fer2013.csv")
        func votes(_ third: String) -> String {
            [Layouts.ferPlusHeader, "Training,fer0000000.png,1,8,0,0,0,0,0,0,1,0", "Training,fer0000001.png,9,0,0,0,0,0,0,0,1,0",
             third, "PrivateTest,fer0000003.png,0,0,0,0,6,2,0,0,0,2"].joined(separator: "\n")
        }
        folder.write(votes("Training,fer0000001.png,9,0,0,0,0,0,0,0,1,0"), to: "ferplus/fer2013new.csv")
        let duplicate = errorMessage { _ = try FERPlus.load(root: root) }
        #expect(duplicate.contains("fer2013new.csv:4") && duplicate.contains("fer2013new.csv:3")
                && duplicate.contains("duplicate") && duplicate.contains("fer0000001.png"), "\(duplicate)")
        folder.write(votes("Training,fer0000001.png,0,9,0,0,0,0,0,0,1,0"), to: "ferplus/fer2013new.csv")
        let conflict = errorMessage { _ = try FERPlus.load(root: root) }
        #expect(conflict.contains("fer2013new.csv:4") && conflict.contains("fer2013new.csv:3")
                && conflict.contains("conflicting"), "\(conflict)")
    }

    @Test func ferPlusUnknownUsageIsAnError() throws {
        let folder = TemporaryFolder()
        let root = Layouts.ferPlus(folder)
        // Used to be dropped silently (the row simply vanished from both splits).
        let fer = try String(contentsOfFile: folder.file("ferplus/fer2013.csv"), encoding: .utf8)
        folder.write(fer.replacingOccurrences(of: "\(Layouts.pixels(1)),Training", with: "\(Layouts.pixels(1)),training"),
                     to: "ferplus/fer2013.csv")
        let votes = try String(contentsOfFile: folder.file("ferplus/fer2013new.csv"), encoding: .utf8)
        folder.write(votes.replacingOccurrences(of: "Training,fer0000001.png", with: "training,fer0000001.png"),
                     to: "ferplus/fer2013new.csv")
        let message = errorMessage { _ = try FERPlus.load(root: root) }
        #expect(message.contains("fer2013.csv:3") && message.contains("\"training\"")
                && message.contains("Training, PublicTest, PrivateTest"), "\(message)")
        let badOption = errorMessage { _ = try FERPlus.load(root: Layouts.ferPlus(TemporaryFolder()), testUsages: ["PrivateTst"]) }
        #expect(badOption.contains("PrivateTst") && badOption.contains("PublicTest, PrivateTest"), "\(badOption)")
    }

    @Test func ferPlusVoteRowsOutOfOrderAreRefused() throws {
        let folder = TemporaryFolder()
        let root = Layouts.ferPlus(folder)
        // Rows 0 and 1 of fer2013new.csv swapped: each vote row now describes the other image.
        let lines = try String(contentsOfFile: folder.file("ferplus/fer2013new.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        folder.write(([lines[0], lines[2], lines[1]] + lines[3...]).joined(separator: "\n"), to: "ferplus/fer2013new.csv")
        let message = errorMessage { _ = try FERPlus.load(root: root) }
        #expect(message.contains("fer2013new.csv:2") && message.contains("fer0000001.png")
                && message.contains("fer2013.csv:2"), "\(message)")
        // A name that runs ahead of its row (row 1 named fer0000002.png) is refused too.
        folder.write(([lines[0], lines[1], lines[2].replacingOccurrences(of: "fer0000001", with: "fer0000002")] + lines[3...])
            .joined(separator: "\n"), to: "ferplus/fer2013new.csv")
        let ahead = errorMessage { _ = try FERPlus.load(root: root) }
        #expect(ahead.contains("fer2013new.csv:3") && ahead.contains("fer0000002.png"), "\(ahead)")
        // A name that is not fer<7 digits>.png.
        folder.write(([lines[0], lines[1].replacingOccurrences(of: "fer0000000.png", with: "img0.png")] + lines[2...])
            .joined(separator: "\n"), to: "ferplus/fer2013new.csv")
        #expect(errorMessage { _ = try FERPlus.load(root: root) }.contains("fer2013new.csv:2"))
    }

    @Test func ferPlusPublishedNumberingIsAccepted() throws {
        // In the published file some removed (unnamed) rows take no number, so later names fall
        // behind their row: row 3 here is named fer0000002.png, as row 60 is fer0000059.png there.
        let folder = TemporaryFolder()
        let root = Layouts.ferPlus(folder)
        let fer = [Layouts.ferHeader] + (0..<5).map { "0,\(Layouts.pixels($0)),Training" } + ["0,\(Layouts.pixels(5)),PrivateTest"]
        folder.write(fer.joined(separator: "\n"), to: "ferplus/fer2013.csv")
        folder.write([Layouts.ferPlusHeader, "Training,fer0000000.png,1,8,0,0,0,0,0,0,1,0", "Training,fer0000001.png,9,0,0,0,0,0,0,0,1,0",
                      "Training,,0,0,0,0,0,0,0,0,0,10", "Training,fer0000002.png,0,0,9,0,0,0,0,0,1,0",
                      "Training,fer0000003.png,0,0,0,9,0,0,0,0,1,0", "PrivateTest,fer0000004.png,0,0,0,0,6,2,0,0,0,2"]
            .joined(separator: "\n"), to: "ferplus/fer2013new.csv")
        let (train, test) = try FERPlus.load(root: root)
        #expect(train.labels == [1, 0, 2, 3] && test.labels == [4])
        #expect(train.source(at: 2).hasSuffix("fer2013.csv:5"))
    }

    @Test func affectNetPathsMustStayInsideTheImageFolder() throws {
        let folder = TemporaryFolder()
        let root = Layouts.affectNet(folder)
        folder.write(image: solidImage(3, width: 30, height: 20), to: "affectnet/outside.jpg")
        let csv = "affectnet/Manually_Annotated_file_lists/training.csv"
        for path in ["../outside.jpg", "101/../../outside.jpg", folder.file("affectnet/outside.jpg")] {
            folder.write([Layouts.affectNetHeader, "101/a.jpg,5,4,10,8,,1,0,0", "\(path),5,4,10,8,,2,0,0"].joined(separator: "\n"), to: csv)
            let message = errorMessage { _ = try AffectNet.load(root: root) }
            #expect(message.contains("training.csv:3") && message.contains(path) && message.contains("outside")
                    && message.contains("Manually_Annotated_Images"), "\(path): \(message)")
        }
        // Staying inside after "..", and a symbolic link placed inside the folder, are fine.
        try FileManager.default.createSymbolicLink(atPath: folder.file("affectnet/Manually_Annotated_Images/101/link.jpg"),
                                                   withDestinationPath: folder.file("affectnet/outside.jpg"))
        folder.write([Layouts.affectNetHeader, "102/../101/a.jpg,5,4,10,8,,1,0,0", "101/link.jpg,5,4,10,8,,2,0,0"]
            .joined(separator: "\n"), to: csv)
        let (train, _) = try AffectNet.load(root: root)
        #expect(train.labels == [1, 2] && train.paths[0].hasSuffix("Manually_Annotated_Images/101/a.jpg"))
        #expect(try train.loadImage(at: 1).width == 10)
    }

    @Test func rafDBNamesMustBePlainFileNames() throws {
        let folder = TemporaryFolder()
        let root = Layouts.rafDB(folder)
        // With a folder "train_.." under Image/aligned, this name used to reach <root>/outside_aligned.jpg.
        try FileManager.default.createDirectory(atPath: folder.file("raf/Image/aligned/train_.."), withIntermediateDirectories: true)
        folder.write(image: solidImage(1), to: "raf/outside_aligned.jpg")
        folder.write("train_../../../outside.jpg 1\ntest_0001.jpg 1\n", to: rafList)
        let message = errorMessage { _ = try RAFDB.load(root: root) }
        #expect(message.contains("list_patition_label.txt:1") && message.contains("train_../../../outside.jpg"), "\(message)")
    }
}
