import ArgumentParser
import Foundation

/// The photos named on the command line: files as given, folders as their .jpg, .jpeg and
/// .png files (sorted, not recursive). Output names come from the file names, so two photos
/// with the same name would write the same outputs: that is an error.
enum PhotoList {
    struct Photo {
        let path: String
        /// The file name without its extension, the prefix of every output.
        let stem: String
    }

    static let extensions: Set<String> = ["jpg", "jpeg", "png"]

    static func expand(_ inputs: [String]) throws -> [Photo] {
        guard !inputs.isEmpty else { throw ValidationError("no photos given; expected files or folders of .jpg/.jpeg/.png") }
        var photos: [Photo] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw ValidationError("\(input): no such file or folder")
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: input).sorted()
                let found = names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
                guard !found.isEmpty else { throw ValidationError("\(input): the folder holds no .jpg, .jpeg or .png files") }
                photos += found.map { photo((input as NSString).appendingPathComponent($0)) }
            } else {
                photos.append(photo(input))
            }
        }
        var seen: [String: String] = [:]
        for photo in photos {
            if let first = seen[photo.stem] {
                throw ValidationError("\(first) and \(photo.path) would write the same outputs (\(photo.stem)-*); rename one of them")
            }
            seen[photo.stem] = photo.path
        }
        return photos
    }

    static func photo(_ path: String) -> Photo {
        Photo(path: path, stem: ((path as NSString).lastPathComponent as NSString).deletingPathExtension)
    }
}
