/// The one table of label orders: for each data set, class name k is the expression that the
/// data set's label k means (0-based; RAF-DB's files count from 1, the loader subtracts 1).
public enum ExpressionClasses {
    /// RAF-DB basic, file labels 1–7.
    public static let rafDB = ["Surprise", "Fear", "Disgust", "Happiness", "Sadness", "Anger", "Neutral"]
    /// AffectNet expression codes 0–7 (8 none, 9 uncertain, 10 no-face are dropped).
    public static let affectNet8 = ["Neutral", "Happy", "Sad", "Surprise", "Fear", "Disgust", "Anger", "Contempt"]
    /// AffectNet without contempt (code 7 dropped too), the 7-class protocol.
    public static let affectNet7 = Array(affectNet8.prefix(7))
    /// FERPlus vote columns in `fer2013new.csv` order (unknown and NF are not classes).
    public static let ferPlus = ["Neutral", "Happiness", "Surprise", "Sadness", "Anger", "Disgust", "Fear", "Contempt"]

    /// The index of a class by name, ignoring case ("disgust" finds "Disgust").
    public static func index(of name: String, in classNames: [String]) -> Int? {
        let wanted = name.lowercased()
        return classNames.firstIndex { $0.lowercased() == wanted }
    }
}
