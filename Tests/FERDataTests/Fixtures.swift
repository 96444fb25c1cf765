import FERData
import Foundation
import Testing

/// A fresh temporary folder for one test, removed when the test ends.
final class TemporaryFolder {
    let path: String

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("ferdata-\(safe)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }

    func write(_ text: String, to relative: String) {
        let full = file(relative)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    func write(bytes: [UInt8], to relative: String) {
        let full = file(relative)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: full, contents: Data(bytes)), "cannot write \(full)")
    }

    func write(image: RGBImage, to relative: String) {
        let full = file(relative)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        try! ImageCodec.save(image, path: full)
    }
}

/// A small image whose colour encodes `seed`, so tests can tell images apart after decoding.
func solidImage(_ seed: Int, width: Int = 12, height: Int = 10) -> RGBImage {
    RGBImage(width: width, height: height, red: UInt8(20 * (seed % 12)), green: UInt8(100 + seed % 100), blue: 60)
}

/// The message of the error a throwing call raises ("" when it does not throw).
func errorMessage(_ body: () throws -> Void) -> String {
    do { try body() } catch { return "\(error)" }
    return ""
}
