import FERData

extension RGBImage: PixelSource {
    public var channels: Int { 3 }

    @inline(__always)
    public func value(channel: Int, x: Int, y: Int) -> Double {
        Double(pixels[3 * (y * width + x) + channel])
    }

    /// The image as three Float planes (R, G, B) of values 0...255.
    public var floatPlanes: FloatPlanes {
        let plane = width * height
        var values = [Float](repeating: 0, count: 3 * plane)
        for p in 0..<plane {
            values[p] = Float(pixels[3 * p])
            values[plane + p] = Float(pixels[3 * p + 1])
            values[2 * plane + p] = Float(pixels[3 * p + 2])
        }
        return FloatPlanes(width: width, height: height, channels: 3, values: values)
    }
}
