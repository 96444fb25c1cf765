/// An 8-bit RGB image, pixels interleaved row by row (R, G, B, R, G, B, …), top row first.
/// Every decoder returns one of these, whatever the file held (grey images are expanded).
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// width × height × 3 bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "RGBImage: size \(width)x\(height) must be positive")
        precondition(pixels.count == width * height * 3,
                     "RGBImage: \(width)x\(height) needs \(width * height * 3) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A uniform image.
    public init(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for p in 0..<(width * height) {
            pixels[3 * p] = red; pixels[3 * p + 1] = green; pixels[3 * p + 2] = blue
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// A grey image (one byte per pixel) with the grey value copied into R, G and B.
    public init(width: Int, height: Int, grey: [UInt8]) {
        precondition(grey.count == width * height,
                     "RGBImage(grey:): \(width)x\(height) needs \(width * height) bytes, got \(grey.count)")
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for p in 0..<(width * height) {
            let v = grey[p]
            pixels[3 * p] = v; pixels[3 * p + 1] = v; pixels[3 * p + 2] = v
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The (r, g, b) bytes at column x, row y.
    public func pixel(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        let i = 3 * (y * width + x)
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// The part of the image inside a box, clipped to the image. A box that misses the image
    /// entirely (or has no area) is an error naming the box, so that a bad AffectNet face box
    /// is reported instead of silently training on nothing.
    public func cropped(x: Int, y: Int, width boxWidth: Int, height boxHeight: Int) throws -> RGBImage {
        let (x0, y0, x1, y1) = try Self.clippedBox(x: x, y: y, width: boxWidth, height: boxHeight,
                                                   imageWidth: width, imageHeight: height)
        let w = x1 - x0, h = y1 - y0
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for row in 0..<h {
            let src = 3 * ((y0 + row) * width + x0)
            out.replaceSubrange((3 * row * w)..<(3 * (row + 1) * w), with: pixels[src..<(src + 3 * w)])
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

    /// The part of a box that lies inside an imageWidth x imageHeight image, as corners
    /// (x0, y0) inclusive and (x1, y1) exclusive; throws when none of it does.
    static func clippedBox(x: Int, y: Int, width boxWidth: Int, height boxHeight: Int,
                           imageWidth: Int, imageHeight: Int) throws -> (x0: Int, y0: Int, x1: Int, y1: Int) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(imageWidth, saturatingSum(x, boxWidth)), y1 = min(imageHeight, saturatingSum(y, boxHeight))
        guard x1 > x0, y1 > y0 else {
            throw FERDataError.invalidValue(
                "crop box x=\(x) y=\(y) width=\(boxWidth) height=\(boxHeight) lies outside the \(imageWidth)x\(imageHeight) image")
        }
        return (x0, y0, x1, y1)
    }

    /// a + b clamped to Int's range: face boxes come from label files and may hold any Int
    /// (x = Int.max must be "outside the image", not an arithmetic trap).
    private static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    /// The mirror image (left ↔ right).
    public func flippedHorizontally() -> RGBImage {
        var out = pixels
        for y in 0..<height {
            for x in 0..<width {
                let s = 3 * (y * width + x), d = 3 * (y * width + (width - 1 - x))
                out[d] = pixels[s]; out[d + 1] = pixels[s + 1]; out[d + 2] = pixels[s + 2]
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// Bilinear resize to 8-bit (rounded), with the same sampling grid as `ImageTransform`.
    public func resized(width newWidth: Int, height newHeight: Int) -> RGBImage {
        let planes = BilinearResize.resizeToPlanes(self, width: newWidth, height: newHeight)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        let plane = newWidth * newHeight
        for p in 0..<plane {
            for c in 0..<3 {
                out[3 * p + c] = UInt8(max(0, min(255, planes[c * plane + p].rounded())))
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: out)
    }
}
