import Autodiff
import FERData
import Testing

@Suite struct ImageTransformTests {
    /// 2×2 image with distinct corners: red values 0, 100 / 200, 255 (green and blue fixed).
    let small = RGBImage(width: 2, height: 2, pixels: [0, 10, 20, 100, 10, 20,
                                                       200, 10, 20, 255, 10, 20])
    let identity = ImageTransform(width: 4, height: 4, mean: [0, 0, 0], std: [1, 1, 1])

    @Test func bilinearUpsampleUsesHalfPixelCentres() {
        // 2 → 4: output centres map to input 0 − 0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        let red = Array(identity.apply(small, flip: false).prefix(16)).map { ($0 * 255).rounded() }
        let row0: [Float] = [0, 25, 75, 100], row3: [Float] = [200, 214, 241, 255]  // 213.75, 241.25 rounded
        #expect(Array(red[0..<4]) == row0)
        #expect(Array(red[12..<16]) == row3)
        // Row 1 is a quarter of the way from row 0 to row 3's values.
        #expect(abs(red[4] - 50) <= 1)
        #expect(identity.apply(small, flip: false)[16] * 255 == 10)  // green plane is constant
    }

    @Test func sameSizeResizeIsIdentityAndDownsampleAverages() {
        let same = ImageTransform(width: 2, height: 2, mean: [0, 0, 0], std: [1, 1, 1]).apply(small, flip: false)
        #expect(Array(same.prefix(4)).map { ($0 * 255).rounded() } == [0, 100, 200, 255])
        let one = ImageTransform(width: 1, height: 1, mean: [0, 0, 0], std: [1, 1, 1]).apply(small, flip: false)
        #expect(abs(one[0] * 255 - 138.75) < 1e-3)
    }

    @Test func eightBitResizeRoundsTheSameGrid() {
        let big = small.resized(width: 4, height: 4)
        #expect(big.width == 4 && big.height == 4)
        #expect((0..<4).map { big.pixel(x: $0, y: 0).0 } == [0, 25, 75, 100])
        #expect((0..<4).map { big.pixel(x: $0, y: 3).0 } == [200, 214, 241, 255])
        #expect(small.resized(width: 2, height: 2) == small)
    }

    @Test func flipMirrorsColumns() {
        let plain = ImageTransform(width: 2, height: 2, mean: [0, 0, 0], std: [1, 1, 1])
        let flipped = plain.apply(small, flip: true)
        #expect(Array(flipped.prefix(4)).map { ($0 * 255).rounded() } == [100, 0, 255, 200])
        #expect(small.flippedHorizontally().flippedHorizontally() == small)
        #expect(small.flippedHorizontally().pixel(x: 0, y: 0).0 == 100)
    }

    @Test func normalisationUsesMeanAndStdPerChannel() {
        let t = ImageTransform(width: 2, height: 2, mean: [0.5, 0.25, 0.1], std: [0.5, 0.2, 0.1])
        let v = t.apply(small, flip: false)
        #expect(abs(v[0] - (0 - 0.5) / 0.5) < 1e-6)
        #expect(abs(v[3] - (1 - 0.5) / 0.5) < 1e-6)
        #expect(abs(v[4] - (10.0 / 255 - 0.25) / 0.2) < 1e-5)
        #expect(abs(v[8] - (20.0 / 255 - 0.1) / 0.1) < 1e-5)
        // ImageNet statistics by default.
        #expect(ImageTransform(size: 8).mean == [0.485, 0.456, 0.406])
    }

    @Test func batchIsBx3xHxW() {
        let t = ImageTransform(size: 5)
        let batch = t.batch([small, small.flippedHorizontally()], flips: [false, true])
        #expect(batch.shape == [2, 3, 5, 5])
        // The second image flipped back equals the first.
        #expect(Array(batch.scalars[0..<75]) == Array(batch.scalars[75..<150]))
        #expect(t.tensor(small).shape == [3, 5, 5])
    }

    @Test func randomFlipIsSeededAndFair() {
        let t = ImageTransform(size: 4, randomHorizontalFlip: true)
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        let first = (0..<2000).map { _ in t.drawFlip(using: &a) }
        #expect(first == (0..<2000).map { _ in t.drawFlip(using: &b) })
        let share = Double(first.filter { $0 }.count) / 2000
        #expect(share > 0.45 && share < 0.55, "flip share \(share)")
        var c = RandomGenerator(seed: 9)
        #expect(!(0..<100).contains { _ in ImageTransform(size: 4).drawFlip(using: &c) })
    }

    @Test func cropClipsToTheImageAndRejectsBoxesOutside() throws {
        var pixels: [UInt8] = []
        for y in 0..<4 { for x in 0..<5 { pixels += [UInt8(x), UInt8(y), 0] } }
        let image = RGBImage(width: 5, height: 4, pixels: pixels)
        let crop = try image.cropped(x: 1, y: 2, width: 3, height: 2)
        #expect(crop.width == 3 && crop.height == 2 && crop.pixel(x: 0, y: 0) == (1, 2, 0) && crop.pixel(x: 2, y: 1) == (3, 3, 0))
        let clipped = try image.cropped(x: -2, y: 3, width: 10, height: 10)
        #expect(clipped.width == 5 && clipped.height == 1)
        #expect(errorMessage { _ = try image.cropped(x: 9, y: 0, width: 3, height: 3) }.contains("x=9"))
    }

    /// Box coordinates from a label file can be any Int; the sums must not overflow (an AffectNet
    /// face_x of 9223372036854775807 trapped: Tests/Fuzz/Crashes/AffectNet/face-x-int-max.csv).
    @Test func cropWithExtremeBoxCoordinatesThrowsOrClips() throws {
        let image = RGBImage(width: 5, height: 4, red: 1, green: 2, blue: 3)
        #expect(errorMessage { _ = try image.cropped(x: .max, y: 0, width: 1, height: 1) }.contains("x=\(Int.max)"))
        #expect(errorMessage { _ = try image.cropped(x: 0, y: .max, width: 1, height: .max) }.contains("y=\(Int.max)"))
        #expect(errorMessage { _ = try image.cropped(x: .min, y: .min, width: .min, height: 1) }.contains("x=\(Int.min)"))
        let clipped = try image.cropped(x: 1, y: 2, width: .max, height: .max)
        #expect(clipped.width == 4 && clipped.height == 2)
    }
}
