public import HeraldCore

/// Who a request acts for: a tenant (through one of its keys) or the administrator.
public enum Principal: Sendable, Hashable {
    case tenant(TenantID)
    case admin
}
