public import Hummingbird
public import NIOCore

/// The per-request context: Hummingbird's core storage and the connection's peer address.
/// Who the request acts for is ``Caller``.
public struct HeraldRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    private let channel: any Channel

    public init(source: Source) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The address the request came from (read only where it is needed: `/metrics`).
    public var remoteAddress: SocketAddress? { channel.remoteAddress }
}
