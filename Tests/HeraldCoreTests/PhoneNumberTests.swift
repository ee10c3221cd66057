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

    @Test func aNumberStartingWithZeroIsToldToAddItsCountryCode() {
        let problem = PhoneNumber.problem(field: "to", text: "0612345678")
        #expect(problem.code == "invalid_phone_number")
        #expect(problem.problem.hasPrefix("cannot start with 0 — write it with its country code, such as +31612345678"), "\(problem.problem)")
        #expect(PhoneNumber.problem(field: "to", text: "+1234").problem.hasPrefix("has 4 digits"))
        #expect(PhoneNumber.problem(field: "to", text: "+1415abc0100").problem.contains("such as +14155550100"))
    }
}
