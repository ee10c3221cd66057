import HeraldCore
import Testing

struct PhoneNumberTests {
    @Test(arguments: [
        ("+14155550100", "+14155550100"), ("14155550100", "+14155550100"), ("+49 151 1234-5678", "+4915112345678"),
        ("+1 (415) 555.0100", "+14155550100"), ("  +441234567", "+441234567"),
    ])
    func normalizesToE164(text: String, expected: String) {
        #expect(PhoneNumber.normalize(text) == expected)
    }

    @Test(arguments: ["", "+", "123456", "+1234567890123456", "+0412345678", "0412345678", "+1415abc0100", "++14155550100", "+1415555010O"])
    func refusesWhatIsNotAnInternationalNumber(text: String) {
        #expect(PhoneNumber.normalize(text) == nil)
    }
}
