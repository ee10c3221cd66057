public import Hummingbird

/// The per-request context: Hummingbird's core storage. Who the request acts for is ``Caller``.
public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
