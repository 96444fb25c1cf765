import FERData
import Foundation
import Testing

/// What ImageFolder counts as an image and as a class, and the paths it cannot represent.
@Suite struct ImageFolderRulesTests {
    /// Creates a file whose name holds raw bytes (possibly not valid UTF-8) inside `folder`;
    /// false where the file system refuses such a name (APFS does, Linux file systems do not).
    func createFile(named name: [UInt8], in folder: String, contents: [UInt8]) -> Bool {
        let path = (Array(folder.utf8) + [UInt8(ascii: "/")] + name).map { CChar(bitPattern: $0) } + [0]
        let descriptor = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        #expect(contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == contents.count)
        return true
    }

    @Test func imagesInNestedFoldersBelongToTheirClass() throws {
        let folder = TemporaryFolder()
        let root = Layouts.imageFolder(folder)
        folder.write(image: solidImage(7), to: "imgs/train/sad/2019/holiday/x.png")
        folder.write(image: solidImage(8), to: "imgs/train/angry/more/y.jpg")
        let (train, _) = try ImageFolder.load(root: root)
        #expect(train.count == 11 && train.classCounts == [3, 4, 4], "\(train.paths)")
        let nested = try #require(train.paths.firstIndex { $0.hasSuffix("train/sad/2019/holiday/x.png") })
        #expect(train.classNames[train.label(at: nested)] == "sad")
    }

    @Test func onlyRegularFilesAreImages() throws {
        let folder = TemporaryFolder()
        let root = Layouts.imageFolder(folder)
        // A folder named like an image is a folder: its own images count, the folder does not.
        try FileManager.default.createDirectory(atPath: folder.file("imgs/train/sad/album.jpg"), withIntermediateDirectories: true)
        folder.write(image: solidImage(5), to: "imgs/train/sad/album.jpg/inside.png")
        let (train, _) = try ImageFolder.load(root: root)
        #expect(!train.paths.contains { $0.hasSuffix("album.jpg") } && train.paths.contains { $0.hasSuffix("album.jpg/inside.png") })
        #expect(train.count == 10)
        // A broken link named like an image is reported, not skipped or read later.
        try FileManager.default.createSymbolicLink(atPath: folder.file("imgs/train/sad/gone.jpg"), withDestinationPath: "/no/such/file.jpg")
        let message = errorMessage { _ = try ImageFolder.load(root: root) }
        #expect(message.contains("train/sad/gone.jpg") && message.contains("not a regular file"), "\(message)")
    }

    @Test func aLinkBackToAnEnclosingFolderIsReported() throws {
        let folder = TemporaryFolder()
        let root = Layouts.imageFolder(folder)
        try FileManager.default.createSymbolicLink(atPath: folder.file("imgs/train/sad/loop"), withDestinationPath: "..")
        let message = errorMessage { _ = try ImageFolder.load(root: root) }
        #expect(message.contains("train/sad/loop") && message.contains("loop"), "\(message)")
    }

    @Test func aSingleClassIsRefusedByTheLoader() throws {
        // It used to load and then trap in the model's head (exit 132), even for cross-entropy.
        let folder = TemporaryFolder()
        folder.write(image: solidImage(0), to: "one/train/happy/a.png")
        folder.write(image: solidImage(1), to: "one/test/happy/b.png")
        let message = errorMessage { _ = try ImageFolder.load(root: folder.file("one")) }
        #expect(message.contains(folder.file("one/train")) && message.contains("at least 2 class folders expected")
                && message.contains("found 1") && message.contains("happy"), "\(message)")
    }

    @Test func aHugeImageFailsWithItsNameWhenLoaded() throws {
        let folder = TemporaryFolder()
        let root = Layouts.imageFolder(folder)
        folder.write(bytes: try HugeHeaders.png(width: 100_000, height: 100_000), to: "imgs/train/angry/huge.png")
        let (train, _) = try ImageFolder.load(root: root)
        let index = try #require(train.paths.firstIndex { $0.hasSuffix("angry/huge.png") })
        let message = errorMessage { _ = try train.loadImage(at: index) }
        #expect(message.contains(folder.file("imgs/train/angry/huge.png")) && message.contains("100000x100000")
                && message.contains("too large"), "\(message)")
    }

    @Test func fileNamesThatAreNotUTF8AreReportedAsSuch() throws {
        let folder = TemporaryFolder()
        let root = Layouts.imageFolder(folder)
        let latin1Name = Array("caf".utf8) + [0xE9] + Array(".png".utf8)  // "café.png" in Latin-1
        if createFile(named: latin1Name, in: folder.file("imgs/train/sad"), contents: try ImageCodec.encodePNG(solidImage(2))) {
            let message = errorMessage { _ = try ImageFolder.load(root: root) }
            #expect(message.contains(folder.file("imgs/train/sad")) && message.contains("not valid UTF-8")
                    && message.contains("caf\\xE9.png"), "\(message)")
        } else {
            #if os(Linux)
            Issue.record("could not create a file named caf\\xE9.png")
            #endif
        }
        // The same name, as Swift receives it (with U+FFFD), is not reported as simply missing.
        let replaced = folder.file("imgs/train/sad/caf\u{FFFD}.png")
        let direct = errorMessage { _ = try ImageCodec.load(path: replaced) }
        #expect(direct.contains("not valid UTF-8") && !direct.contains("not found"), "\(direct)")
        let asRoot = errorMessage { _ = try RAFDB.load(root: folder.file("caf\u{FFFD}")) }
        #expect(asRoot.contains("not valid UTF-8"), "\(asRoot)")
    }
}
