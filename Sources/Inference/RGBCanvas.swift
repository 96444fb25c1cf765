import FERData

/// A picture being drawn: 8-bit RGB pixels with rectangles, text in `BitmapFont` and pasted
/// images; `image` hands it to FERData's PNG encoder.
public struct RGBCanvas {
    public typealias Color = (red: UInt8, green: UInt8, blue: UInt8)
    public let width: Int
    public let height: Int
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, background: Color = (255, 255, 255)) {
        precondition(width > 0 && height > 0, "RGBCanvas: size \(width)x\(height) must be positive")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    /// A canvas holding a copy of `image`, to draw on (e.g. a photo to annotate).
    public init(image: RGBImage) {
        precondition(image.width > 0 && image.height > 0, "RGBCanvas: size \(image.width)x\(image.height) must be positive")
        width = image.width
        height = image.height
        pixels = image.pixels
    }

    public var image: RGBImage { RGBImage(width: width, height: height, pixels: pixels) }

    /// Sets one pixel; pixels outside the canvas are ignored (clipping).
    public mutating func set(x: Int, y: Int, _ color: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = 3 * (y * width + x)
        pixels[i] = color.red; pixels[i + 1] = color.green; pixels[i + 2] = color.blue
    }

    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: Color) {
        for row in max(0, y)..<max(max(0, y), min(height, y + h)) {
            for column in max(0, x)..<max(max(0, x), min(width, x + w)) { set(x: column, y: row, color) }
        }
    }

    /// `text` with its top-left corner at (x, y), each font pixel a scale×scale square.
    public mutating func draw(_ text: String, x: Int, y: Int, color: Color, scale: Int = 1) {
        for (index, character) in text.enumerated() {
            let left = x + index * BitmapFont.advance * scale
            for gy in 0..<BitmapFont.glyphHeight {
                for gx in 0..<BitmapFont.glyphWidth where BitmapFont.isSet(character, x: gx, y: gy) {
                    fill(x: left + gx * scale, y: y + gy * scale, width: scale, height: scale, color: color)
                }
            }
        }
    }

    /// Copies `picture` with its top-left corner at (x, y).
    public mutating func paste(_ picture: RGBImage, x: Int, y: Int) {
        for row in 0..<picture.height {
            for column in 0..<picture.width {
                let (r, g, b) = picture.pixel(x: column, y: row)
                set(x: x + column, y: y + row, (r, g, b))
            }
        }
    }
}
