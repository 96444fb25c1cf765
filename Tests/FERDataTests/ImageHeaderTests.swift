@testable import FERData
import Foundation
import Testing

/// ImageHeader reads format and size without decoding, and ImageFileDataset.checkImages
/// finds a bad file among many before training.
@Suite struct ImageHeaderTests {
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("image-header-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func image(_ width: Int, _ height: Int) -> RGBImage {
        RGBImage(width: width, height: height, pixels: (0..<(width * height * 3)).map { UInt8($0 % 251) })
    }

    @Test func headersGiveTheDecodedSize() throws {
        for (width, height) in [(1, 1), (17, 5), (100, 64)] {
            for (format, bytes) in [(ImageFormat.png, try ImageCodec.encodePNG(image(width, height))),
                                    (.jpeg, try ImageCodec.encodeJPEG(image(width, height)))] {
                let path = try write(bytes, "a.\(format.rawValue)")
                let header = try ImageHeader.read(path: path)
                let decoded = try ImageCodec.load(path: path)
                #expect(header == ImageHeader(format: format, width: decoded.width, height: decoded.height))
            }
        }
    }

    @Test func badFilesAreNamed() throws {
        let jpeg = try ImageCodec.encodeJPEG(image(8, 8))
        let cases: [(bytes: [UInt8], name: String, says: String)] = [
            ([], "empty.jpg", "empty"),
            (Array("hello".utf8), "text.jpg", "neither JPEG nor PNG"),
            (Array(jpeg.prefix(20)), "truncated.jpg", "no JPEG frame header"),
            (try HugeHeaders.png(width: 100_000, height: 100_000), "huge.png", "too large"),
            (try HugeHeaders.jpeg(width: 65_000, height: 65_000), "huge.jpg", "too large"),
        ]
        for item in cases {
            let path = try write(item.bytes, item.name)
            #expect {
                _ = try ImageHeader.read(path: path)
            } throws: { "\($0)".contains(path) && "\($0)".contains(item.says) }
        }
        #expect(throws: FERDataError.self) { _ = try ImageHeader.read(path: folder.appendingPathComponent("missing.png").path) }
    }

    @Test func datasetCheckReportsTheFirstBadFileAndTheCount() throws {
        var paths: [String] = []
        for i in 0..<150 { paths.append(try write(try ImageCodec.encodePNG(image(4, 4)), "ok\(i).png")) }
        let good = ImageFileDataset(classNames: ["a", "b"], paths: paths, labels: paths.indices.map { $0 % 2 })
        try good.checkImages()

        paths[70] = try write(try HugeHeaders.png(width: 20_000, height: 20), "huge70.png")
        paths[120] = try write(Array("no image".utf8), "text120.png")
        let bad = ImageFileDataset(classNames: ["a", "b"], paths: paths, labels: paths.indices.map { $0 % 2 })
        #expect {
            try bad.checkImages()
        } throws: { "\($0)".contains("huge70.png") && "\($0)".contains("1 more of the 150 images") }
    }

    @Test func faceBoxesOutsideTheImageAreFound() throws {
        let path = try write(try ImageCodec.encodeJPEG(image(20, 10)), "face.jpg")
        let inside = ImageFileDataset(classNames: ["a", "b"], paths: [path], labels: [0],
                                      faceBoxes: [FaceBox(x: 5, y: 2, width: 100, height: 100)])
        try inside.checkImages()
        let outside = ImageFileDataset(classNames: ["a", "b"], paths: [path], labels: [0],
                                       faceBoxes: [FaceBox(x: 30, y: 0, width: 5, height: 5)])
        #expect { try outside.checkImages() } throws: { "\($0)".contains(path) && "\($0)".contains("outside the 20x10 image") }
    }
}
