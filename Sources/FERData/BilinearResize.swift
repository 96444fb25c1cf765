/// Bilinear interpolation with half-pixel centres (PyTorch `align_corners=False`, OpenCV
/// `INTER_LINEAR`): output pixel centre x + 0.5 maps to input position (x + 0.5)·(in/out) − 0.5,
/// clamped to the image. No antialiasing filter: face images are downscaled by small factors
/// (100 → 112, 48 → 112), where plain bilinear is what the reference pipelines use.
enum BilinearResize {
    /// One source coordinate pair and its weight for each output coordinate along an axis.
    struct Tap { let low: Int; let high: Int; let weightHigh: Float }

    static func taps(input: Int, output: Int) -> [Tap] {
        let scale = Double(input) / Double(output)
        return (0..<output).map { o in
            var position = (Double(o) + 0.5) * scale - 0.5
            position = max(0, min(Double(input - 1), position))
            let low = Int(position.rounded(.down))
            let high = min(low + 1, input - 1)
            return Tap(low: low, high: high, weightHigh: Float(position - Double(low)))
        }
    }

    /// The resized image as three planes (R, G, B) of width·height Floats in 0...255,
    /// optionally mirrored left ↔ right on the way (the flip costs nothing here).
    static func resizeToPlanes(_ image: RGBImage, width: Int, height: Int, flip: Bool = false) -> [Float] {
        var out = [Float](repeating: 0, count: 3 * width * height)
        resize(image, width: width, height: height, flip: flip, into: &out, offset: 0)
        return out
    }

    static func resize(_ image: RGBImage, width: Int, height: Int, flip: Bool,
                       into out: inout [Float], offset: Int) {
        let xs = taps(input: image.width, output: width)
        let ys = taps(input: image.height, output: height)
        let plane = width * height
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<height {
                    let ty = ys[oy]
                    let rowLow = ty.low * image.width, rowHigh = ty.high * image.width
                    for ox in 0..<width {
                        let tx = xs[flip ? width - 1 - ox : ox]
                        for c in 0..<3 {
                            let a = Float(src[3 * (rowLow + tx.low) + c]), b = Float(src[3 * (rowLow + tx.high) + c])
                            let d = Float(src[3 * (rowHigh + tx.low) + c]), e = Float(src[3 * (rowHigh + tx.high) + c])
                            let top = a + (b - a) * tx.weightHigh
                            let bottom = d + (e - d) * tx.weightHigh
                            dst[offset + c * plane + oy * width + ox] = top + (bottom - top) * ty.weightHigh
                        }
                    }
                }
            }
        }
    }
}
