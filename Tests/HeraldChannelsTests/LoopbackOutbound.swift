import HeraldChannels
import HeraldCore

extension OutboundGuard {
    /// The guard the tests' local receivers need: loopback opened, everything else as shipped.
    static let loopback = OutboundGuard(policy: OutboundPolicy(allowed: [try! IPNetwork("127.0.0.0/8"), try! IPNetwork("::1/128")]))
}
