/// Image paths taken from label files (AffectNet's `subDirectory_filePath`): they must name a
/// file inside the image folder, whatever the file says.
enum RelativeImagePath {
    /// `relative` with "." and ".." resolved as text ("101/../102/a.jpg" → "102/a.jpg"), or nil
    /// when it is absolute or climbs above the folder. The file is then opened by this resolved
    /// path, so no ".." reaches the file system. Symbolic links are not resolved: a link placed
    /// inside the folder is its owner's choice (copies of a data set often link images from
    /// another disk); what is refused is what a label file alone could reach.
    static func resolved(_ relative: String) -> String? {
        guard !relative.hasPrefix("/") else { return nil }
        var parts: [Substring] = []
        for part in relative.split(separator: "/") where part != "." {
            if part == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }
}
