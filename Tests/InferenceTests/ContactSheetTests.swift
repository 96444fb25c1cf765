import FERData
import Foundation
@testable import Inference
import Testing

@Suite final class ContactSheetTests {
    let temporary = TemporaryFolder()

    func prediction(_ name: String, truth: Int, predicted: Int, top: Double) -> ImagePrediction {
        let rest = (1 - top) / 2
        var probabilities = [rest, rest, rest]
        probabilities[predicted] = top
        return ImagePrediction(path: name, trueLabel: truth, predicted: predicted, probabilities: probabilities,
                               entropy: entropy(probabilities), covariance: nil)
    }

    @Test func selectionTakesTheMostConfidentAndMostUncertainOfCorrectAndWrong() {
        let all = [
            prediction("c90", truth: 0, predicted: 0, top: 0.90), prediction("c50", truth: 1, predicted: 1, top: 0.50),
            prediction("c99", truth: 2, predicted: 2, top: 0.99), prediction("c40", truth: 0, predicted: 0, top: 0.40),
            prediction("w95", truth: 0, predicted: 1, top: 0.95), prediction("w34", truth: 1, predicted: 2, top: 0.34),
            prediction("w60", truth: 2, predicted: 0, top: 0.60),
            ImagePrediction(path: "unlabelled", trueLabel: nil, predicted: 0, probabilities: [1, 0, 0], entropy: 0, covariance: nil),
        ]
        let groups = ContactSheet.select(all, perGroup: 2)
        #expect(groups.map(\.group) == ContactSheet.Group.allCases)
        #expect(groups.map { $0.items.map(\.path) } == [["c99", "c90"], ["c40", "c50"], ["w95", "w60"], ["w34"]])
    }

    @Test func bitmapFontDrawsExactlyTheGlyph() {
        var canvas = RGBCanvas(width: 7, height: 9)
        canvas.draw("A", x: 1, y: 1, color: (0, 0, 0))
        for y in 0..<9 {
            for x in 0..<7 {
                let inside = (1...5).contains(x) && (1...7).contains(y)
                let expected = inside && BitmapFont.isSet("A", x: x - 1, y: y - 1)
                #expect((canvas.image.pixel(x: x, y: y).0 == 0) == expected, "pixel (\(x), \(y))")
            }
        }
        // "A": a closed top, a crossbar on row 3, open legs at the bottom.
        #expect(BitmapFont.rows("A") == [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11])
        #expect(BitmapFont.width(of: "Joy 95%") == 7 * 6 - 1)
        // Every printable ASCII letter and digit has its own glyph (none falls back to the box).
        let box = BitmapFont.rows("\u{7F}")
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%:." { #expect(BitmapFont.rows(c) != box, "\(c)") }
    }

    @Test func sheetIsAPNGAndAnSVGOfTheSameLayout() throws {
        let folder = temporary.url
        let all = [prediction("a", truth: 0, predicted: 0, top: 0.9), prediction("b", truth: 1, predicted: 2, top: 0.6)]
        let image = gradient(width: 30, height: 20, seed: 5)
        let written = try #require(try ContactSheet.write(all, classNames: ["anger", "joy", "calm"], to: folder.appendingPathComponent("sheet"),
                                                           overwrite: false, image: { _ in image }))
        let png = try ImageCodec.load(path: written.png.path)
        let svg = try String(contentsOf: written.svg, encoding: .utf8)
        #expect(svg.contains("width=\"\(png.width)\" height=\"\(png.height)\""), "\(svg.prefix(200).description)")
        #expect(svg.components(separatedBy: "<image ").count - 1 == 2)
        #expect(svg.contains(">T:joy</text>") && svg.contains(">P:calm 60%</text>"))
        // The tile of "a" (first row) shows the image, resized to the tile.
        let layout = ContactSheet.Layout()
        let firstTileY = layout.margin + 2 * layout.lineHeight + layout.lineHeight + 2
        let expected = image.resized(width: layout.tile, height: layout.tile).pixel(x: 10, y: 10)
        #expect(png.pixel(x: layout.margin + 10, y: firstTileY + 10) == expected)
        // Written files are kept unless asked.
        #expect(thrownError { try ContactSheet.write(all, classNames: ["anger", "joy", "calm"], to: folder.appendingPathComponent("sheet"),
                                                    overwrite: false, image: { _ in image }) } != nil)
        // Nothing labelled: no sheet.
        #expect(try ContactSheet.write([], classNames: ["a", "b", "c"], to: folder.appendingPathComponent("none"), overwrite: false, image: { _ in image }) == nil)
    }
}
