@testable import HeraldDispatcher
import Testing

struct AnswerPaceTests {
    let start = ContinuousClock.now

    @Test func aDestinationAnsweringFastIsGivenAQuarterSecondsAnswers() {
        var pace = AnswerPace()
        for index in 0..<1000 { pace.answered("fast", at: start + .microseconds(index * 400)) }
        // 1,000 answers in 0.4 s: 1,250 a quarter-second at that pace, 500 counted so far.
        #expect(pace.raisedBounds(over: 128, at: start + .milliseconds(450)) == ["fast": 500])
        // The next half-second is judged by the last full one until it has more.
        #expect(pace.raisedBounds(over: 128, at: start + .milliseconds(600)) == ["fast": 500])
    }

    @Test func aSlowDestinationKeepsTheBaseBound() {
        var pace = AnswerPace()
        for index in 0..<100 { pace.answered("slow", at: start + .milliseconds(index * 4)) }
        #expect(pace.raisedBounds(over: 128, at: start + .milliseconds(450)).isEmpty)
    }

    @Test func aDestinationSilentForASecondIsForgotten() {
        var pace = AnswerPace()
        for index in 0..<1000 { pace.answered("fast", at: start + .microseconds(index * 400)) }
        #expect(pace.raisedBounds(over: 128, at: start + .milliseconds(1_100)).isEmpty)
        // Answers again: judged afresh, from the base.
        pace.answered("fast", at: start + .milliseconds(1_200))
        #expect(pace.raisedBounds(over: 128, at: start + .milliseconds(1_250)).isEmpty)
    }
}
