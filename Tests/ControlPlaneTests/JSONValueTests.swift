@testable import ControlPlane
import Testing

@Suite struct JSONValueTests {
    @Test func keepsObjectKeyOrder() throws {
        let text = #"{"zeta":1,"alpha":{"b":2,"a":[true,null,"x"]},"mid":-3.5}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(Array(value.objectValue!.keys) == ["zeta", "alpha", "mid"])
        #expect(value.text == text)
    }

    @Test func decodesEscapesAndUnicode() throws {
        let value = try JSONValue.parse(Array(#"["a\"b\\c\n","\u00e9\ud83d\ude00","\/"]"#.utf8))
        #expect(value.arrayValue == [.string("a\"b\\c\n"), .string("é😀"), .string("/")])
        #expect(try JSONValue.parse(value.serialized) == value)
    }

    @Test func escapesControlCharactersOnOutput() {
        #expect(JSONValue.string("a\u{01}b").text == #""a\u0001b""#)
    }

    @Test func distinguishesIntegersFromFloats() throws {
        #expect(try JSONValue.parse(Array("12".utf8)) == .int(12))
        #expect(try JSONValue.parse(Array("1.5e2".utf8)) == .double(150))
        #expect(try JSONValue.parse(Array("99999999999999999999".utf8)) == .double(1e20))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "{\"a\":1} x", "01x", "-", "\"raw\u{01}control\"", "NaN"])
    func refusesMalformedText(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func refusesNestingDeeperThanTheLimit() {
        let deep = String(repeating: "[", count: JSONValue.maximumDepth + 1) + String(repeating: "]", count: JSONValue.maximumDepth + 1)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        #expect(throws: Never.self) { try JSONValue.parse(Array(fine.utf8)) }
    }
}
