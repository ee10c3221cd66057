import Foundation
import HeraldCore
import Testing

struct MessageStatusTests {
    /// The whole message life-cycle table (documented in `MessageStatus.swift` and the README), as (from, to, allowed).
    static let table: [(MessageStatus, MessageStatus, Bool)] = {
        let allowed: Set<String> = [
            "scheduled>queued", "scheduled>sending", "scheduled>cancelled",
            "queued>sending", "queued>cancelled",
            "sending>sending", "sending>queued", "sending>sent", "sending>failed", "sending>dry_run",
            "sent>partially_delivered", "sent>delivered", "sent>read", "sent>failed", "sent>undelivered",
            "partially_delivered>delivered", "partially_delivered>read", "partially_delivered>failed", "partially_delivered>undelivered",
            "delivered>read", "delivered>failed", "delivered>undelivered",
            "failed>queued",
        ]
        return MessageStatus.allCases.flatMap { from in
            MessageStatus.allCases.map { to in (from, to, allowed.contains("\(from.rawValue)>\(to.rawValue)")) }
        }
    }()

    @Test(arguments: table)
    func transitionTable(from: MessageStatus, to: MessageStatus, allowed: Bool) {
        #expect(from.canTransition(to: to) == allowed)
    }

    @Test func messageRefusesAnIllegalMove() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var message = Message(id: .generate(), draft: MessageDraft(channel: "webhook", content: "hi"), now: now)
        message.status = .sent
        #expect(throws: HeraldError.illegalTransition(from: .sent, to: .cancelled)) {
            try message.transition(to: .cancelled, at: now)
        }
        #expect(message.status == .sent)
        try message.transition(to: .delivered, at: now)
        #expect(message.status == .delivered)
    }

    @Test func sourcesAreDerivedFromTheTable() {
        #expect(Set(MessageStatus.sources(of: .cancelled)) == [.scheduled, .queued])
        #expect(Set(MessageStatus.sources(of: .sending)) == [.scheduled, .queued, .sending])
    }

    @Test func futureSendAtMakesAScheduledMessage() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let later = now.addingTimeInterval(60)
        let scheduled = Message(id: .generate(), draft: MessageDraft(channel: "webhook", sendAt: later), now: now)
        #expect(scheduled.status == .scheduled)
        #expect(scheduled.nextAttemptAt == later)
        let past = Message(id: .generate(), draft: MessageDraft(channel: "webhook", sendAt: now.addingTimeInterval(-5)), now: now)
        #expect(past.status == .queued)
        #expect(past.nextAttemptAt == now)
    }
}
