import Layers
import Testing

/// The package's one CSV writer and one JSON string quoting (Training's reports, Inference's
/// predictions and model metadata, safetensors headers).
@Suite struct TextWriterTests {
    @Test func csvQuotesOnlyWhatNeedsIt() {
        #expect(CSVWriter.text([["a", "b"], ["1", "2"]]) == "a,b\n1,2\n")
        #expect(CSVWriter.text([["x,y", "say \"hi\"", "two\nlines", "cr\r"]])
                == "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\n")
    }

    @Test func jsonEscapesQuotesBackslashesAndControlCharacters() {
        #expect(JSONWriter.quoted("plain") == "\"plain\"")
        #expect(JSONWriter.quoted("a\"b\\c\nd\te\u{01}") == "\"a\\\"b\\\\c\\nd\\te\\u0001\"")
        #expect(JSONWriter.quoted("é😀") == "\"é😀\"")
    }
}
