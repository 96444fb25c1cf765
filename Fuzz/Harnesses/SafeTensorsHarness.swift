import Autodiff
import Layers

/// The safetensors reader must throw a SafeTensorsError or give a file whose every tensor can
/// then be read in both scalar types, for any bytes.
public enum SafeTensorsHarness {
    public static func run(_ bytes: [UInt8]) {
        do {
            let file = try SafeTensorsFile(bytes: bytes)
            var end = 0
            for entry in file.entries {
                precondition(entry.dataOffsets.lowerBound == end, "tensors do not tile the data section")
                end = entry.dataOffsets.upperBound
                let raw = try file.rawBytes(of: entry.name)
                precondition(raw.count == entry.dataOffsets.count)
                if entry.dtype == .f8e4m3 || entry.dtype == .f8e5m2 { continue }  // not convertible, by design
                let single = try file.tensor(entry.name, as: Float.self)
                let double = try file.tensor(entry.name, as: Double.self)
                precondition(single.shape == entry.shape && double.count == entry.elementCount)
            }
        } catch is SafeTensorsError {
        } catch {
            preconditionFailure("SafeTensorsFile threw \(type(of: error)), expected SafeTensorsError: \(error)")
        }
    }
}
