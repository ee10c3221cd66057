import Testing

/// The scenarios that load the whole machine — thousands of messages through real server
/// processes, with figures they print and time limits they keep — run one at a time, beside
/// the rest of the suite but never beside each other, so one's load does not skew another's
/// figures or push it past its time limit.
@Suite(.serialized)
enum HeavyLoad {}
