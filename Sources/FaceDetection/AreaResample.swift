/// Pixels stored as planes (R, G, B), each `width x height` Floats, row by row.
public struct FloatPlanes: Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var values: [Float]

    public init(width: Int, height: Int, channels: Int, values: [Float]) {
        precondition(width > 0 && height > 0 && channels > 0 && values.count == width * height * channels,
                     "FloatPlanes: \(values.count) values for \(channels) planes of \(width)x\(height)")
        self.width = width; self.height = height; self.channels = channels; self.values = values
    }
}

/// Resampling by averaging areas, PyTorch's `interpolate(mode: "area")` (adaptive average
/// pooling): output cell i along an axis of n inputs and m outputs averages inputs
/// floor(i·n/m) ..< ceil((i+1)·n/m). This is what the reference MTCNN code uses for the image
/// pyramid and for the crops fed to R-Net and O-Net, so the networks see the same pixels.
/// Sums are in Double, exact for 8-bit inputs, so results equal PyTorch's to Float rounding.
public enum AreaResample {
    /// The input range averaged by each output index.
    static func windows(input: Int, output: Int) -> [Range<Int>] {
        (0..<output).map { i in (i * input / output)..<(((i + 1) * input + output - 1) / output) }
    }

    /// Resamples the region `x ..< x + width`, `y ..< y + height` of `source` to
    /// `outputWidth x outputHeight`, writing planes into `destination` as `transform(mean)`.
    static func resample<Source: PixelSource>(_ source: Source, x: Int, y: Int, width: Int, height: Int,
                                              outputWidth: Int, outputHeight: Int,
                                              into destination: UnsafeMutablePointer<Float>,
                                              transform: (Double) -> Float = { Float($0) }) {
        precondition(x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= source.width && y + height <= source.height,
                     "AreaResample: region x=\(x) y=\(y) \(width)x\(height) outside the \(source.width)x\(source.height) source")
        precondition(outputWidth > 0 && outputHeight > 0, "AreaResample: output size \(outputWidth)x\(outputHeight)")
        let columns = windows(input: width, output: outputWidth)
        let rows = windows(input: height, output: outputHeight)
        // Horizontal sums of every source row of the region, then vertical sums of those.
        var rowSums = [Double](repeating: 0, count: height * outputWidth)
        let plane = outputWidth * outputHeight
        for channel in 0..<source.channels {
            for row in 0..<height {
                for (o, window) in columns.enumerated() {
                    var sum = 0.0
                    for column in window { sum += source.value(channel: channel, x: x + column, y: y + row) }
                    rowSums[row * outputWidth + o] = sum
                }
            }
            for (oy, rowWindow) in rows.enumerated() {
                for (ox, columnWindow) in columns.enumerated() {
                    var sum = 0.0
                    for row in rowWindow { sum += rowSums[row * outputWidth + ox] }
                    destination[channel * plane + oy * outputWidth + ox] = transform(sum / Double(rowWindow.count * columnWindow.count))
                }
            }
        }
    }

    /// The same for Float planes (the detector's working image), reading through a pointer:
    /// the pyramid and the crops spend most of their non-network time here.
    static func resample(_ source: FloatPlanes, x: Int, y: Int, width: Int, height: Int,
                         outputWidth: Int, outputHeight: Int,
                         into destination: UnsafeMutablePointer<Float>,
                         transform: (Double) -> Float = { Float($0) }) {
        precondition(x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= source.width && y + height <= source.height,
                     "AreaResample: region x=\(x) y=\(y) \(width)x\(height) outside the \(source.width)x\(source.height) source")
        precondition(outputWidth > 0 && outputHeight > 0, "AreaResample: output size \(outputWidth)x\(outputHeight)")
        let columns = windows(input: width, output: outputWidth)
        let rows = windows(input: height, output: outputHeight)
        let plane = outputWidth * outputHeight
        var rowSums = [Double](repeating: 0, count: height * outputWidth)
        source.values.withUnsafeBufferPointer { values in
            rowSums.withUnsafeMutableBufferPointer { sums in
                for channel in 0..<source.channels {
                    for row in 0..<height {
                        let line = values.baseAddress! + (channel * source.height + y + row) * source.width + x
                        for (o, window) in columns.enumerated() {
                            var sum = 0.0
                            for column in window { sum += Double(line[column]) }
                            sums[row * outputWidth + o] = sum
                        }
                    }
                    for (oy, rowWindow) in rows.enumerated() {
                        for (ox, columnWindow) in columns.enumerated() {
                            var sum = 0.0
                            for row in rowWindow { sum += sums[row * outputWidth + ox] }
                            destination[channel * plane + oy * outputWidth + ox] = transform(sum / Double(rowWindow.count * columnWindow.count))
                        }
                    }
                }
            }
        }
    }

    /// The whole of `source` at a new size, as planes of Floats.
    public static func resized<Source: PixelSource>(_ source: Source, width: Int, height: Int) -> FloatPlanes {
        var values = [Float](repeating: 0, count: source.channels * width * height)
        values.withUnsafeMutableBufferPointer { out in
            resample(source, x: 0, y: 0, width: source.width, height: source.height,
                     outputWidth: width, outputHeight: height, into: out.baseAddress!)
        }
        return FloatPlanes(width: width, height: height, channels: source.channels, values: values)
    }
}

/// Something `AreaResample` can read: a width, a height and channel values.
public protocol PixelSource {
    var width: Int { get }
    var height: Int { get }
    var channels: Int { get }
    func value(channel: Int, x: Int, y: Int) -> Double
}

extension FloatPlanes: PixelSource {
    @inline(__always)
    public func value(channel: Int, x: Int, y: Int) -> Double {
        Double(values[(channel * height + y) * width + x])
    }
}
