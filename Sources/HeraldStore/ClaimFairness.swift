public import HeraldCore

/// What a claim needs to share its batch fairly between tenants and to keep within this
/// process's bounds: how many send slots one tenant may hold while another has due work, the
/// sends in flight now by tenant and by destination, and where the turn of tenants starts.
public struct ClaimFairness: Sendable, Hashable {
    /// The most send slots one tenant may hold while another tenant has due work
    /// (`dispatcher.tenant_share` of the slots); `nil` for no bound.
    public var tenantShare: Int?
    /// This process's sends in flight, by tenant.
    public var tenantsInFlight: [TenantID: Int]
    /// The most sends one destination (``Message/destination``) may have at once
    /// (`dispatcher.connections_per_host`); `nil` for no bound.
    public var perDestination: Int?
    /// This process's sends in flight, by destination.
    public var destinationsInFlight: [String: Int]
    /// Destinations answering fast enough to be given more than ``perDestination`` at once
    /// (what they answer in a quarter of a second), with their bound.
    public var destinationBounds: [String: Int]
    /// Turns the order in which tenants are served: the tenants with due work, by id, are taken
    /// from the one at `rotation` (modulo their number), so over successive claims each is first
    /// in turn (the dispatcher moves it on by the tenants each claim served, and one).
    public var rotation: Int

    public init(
        tenantShare: Int? = nil, tenantsInFlight: [TenantID: Int] = [:], perDestination: Int? = nil,
        destinationsInFlight: [String: Int] = [:], destinationBounds: [String: Int] = [:], rotation: Int = 0
    ) {
        self.tenantShare = tenantShare
        self.tenantsInFlight = tenantsInFlight
        self.perDestination = perDestination
        self.destinationsInFlight = destinationsInFlight
        self.destinationBounds = destinationBounds
        self.rotation = rotation
    }

    /// No bounds, no rotation: tenants still share each claim by weight.
    public static let unbounded = ClaimFairness()

    /// How many more sends `destination` may start now; `nil` for no bound.
    public func room(for destination: String?) -> Int? {
        guard let perDestination, let destination else { return nil }
        let bound = destinationBounds[destination].map { max($0, perDestination) } ?? perDestination
        return max(0, bound - destinationsInFlight[destination, default: 0])
    }

    /// Destinations whose room is not simply ``perDestination`` (some in flight now, or a raised
    /// bound), with their room.
    public var destinationRooms: [String: Int] {
        guard perDestination != nil else { return [:] }
        let destinations = Set(destinationsInFlight.keys).union(destinationBounds.keys)
        return Dictionary(uniqueKeysWithValues: destinations.map { ($0, room(for: $0) ?? 0) })
    }
}

/// A tenant with due work, as a claim finds it.
public struct DueTenant: Sendable, Hashable {
    public var id: TenantID
    /// Its share of each claim relative to the others' (``Tenant/weight``).
    public var weight: Int

    public init(id: TenantID, weight: Int) {
        self.id = id
        self.weight = max(1, weight)
    }
}

/// How one claim's batch is shared between the tenants with due work: weighted by their
/// ``DueTenant/weight``, each tenant held to ``ClaimFairness/tenantShare`` less what it has in
/// flight while another tenant competes, starting with the tenant at the rotation. Each driver
/// walks every tenant's own index for the number a round gives it; what a tenant could not fill
/// (it had fewer due) is given to the others in the next round.
///
/// ```swift
/// var plan = FairClaimPlan(limit: 100, due: tenants, fairness: fairness)
/// while let round = plan.nextRound() {
///     for (tenant, count) in round { plan.took(try walk(tenant, count), of: count, for: tenant) }
/// }
/// ```
public struct FairClaimPlan: Sendable {
    /// The most rounds one claim makes: later shortfalls are left to the next claim.
    static let maxRounds = 3

    private let limit: Int
    /// In turn order.
    private let tenants: [DueTenant]
    private let fairness: ClaimFairness
    private var taken: [TenantID: Int] = [:]
    /// Tenants that gave fewer than they were asked: nothing more is due for them.
    private var exhausted: Set<TenantID> = []
    private var rounds = 0

    /// - Parameter due: the tenants with due work, in any order.
    public init(limit: Int, due: [DueTenant], fairness: ClaimFairness) {
        self.limit = limit
        self.fairness = fairness
        let sorted = due.sorted { $0.id.rawValue < $1.id.rawValue }
        let start = sorted.isEmpty ? 0 : ((fairness.rotation % sorted.count) + sorted.count) % sorted.count
        tenants = Array(sorted[start...] + sorted[..<start])
    }

    /// How many messages a claim with this plan has taken.
    public var total: Int { taken.values.reduce(0, +) }

    /// Records what a tenant's walk gave for a round.
    /// - Parameter filledDestination: whether a destination ran out of room in the walk: then
    ///   a walk that gave fewer than asked may find more past it, in the next round.
    public mutating func took(_ count: Int, of asked: Int, for tenant: TenantID, filledDestination: Bool = false) {
        taken[tenant, default: 0] += count
        if count < asked, !filledDestination { exhausted.insert(tenant) }
    }

    /// The next round: how many each tenant's walk should take, in turn order; `nil` when the
    /// claim is full, no tenant can take more, or the rounds are used up.
    public mutating func nextRound() -> [(tenant: TenantID, count: Int)]? {
        let remaining = limit - total
        guard remaining > 0, rounds < Self.maxRounds else { return nil }
        rounds += 1
        // A tenant alone (the others have nothing claimable) is bound by nothing but the claim.
        let competing = tenants.filter { !exhausted.contains($0.id) || taken[$0.id, default: 0] > 0 }
        let bounded = competing.count > 1
        let open = tenants.compactMap { tenant -> (DueTenant, Int)? in
            guard !exhausted.contains(tenant.id) else { return nil }
            guard bounded, let share = fairness.tenantShare else { return (tenant, remaining) }
            let room = share - fairness.tenantsInFlight[tenant.id, default: 0] - taken[tenant.id, default: 0]
            return room > 0 ? (tenant, room) : nil
        }
        guard !open.isEmpty else { return nil }
        let shares = Self.waterFill(remaining, open)
        let round = open.compactMap { tenant, _ in shares[tenant.id].map { (tenant.id, $0) } }.filter { $0.1 > 0 }
        return round.isEmpty ? nil : round
    }

    /// Shares `amount` between `tenants` (in turn order, each with its room) by weight; what
    /// whole shares leave over goes one each, in turn order.
    static func waterFill(_ amount: Int, _ tenants: [(DueTenant, Int)]) -> [TenantID: Int] {
        var given: [TenantID: Int] = [:]
        var left = amount
        var open = tenants
        while left > 0, !open.isEmpty {
            let weights = open.reduce(0) { $0 + $1.0.weight }
            var handed = 0
            for (tenant, room) in open {
                let share = min(left * tenant.weight / weights, room - given[tenant.id, default: 0])
                given[tenant.id, default: 0] += share
                handed += share
            }
            left -= handed
            open = open.filter { given[$0.0.id, default: 0] < $0.1 }
            guard handed == 0 else { continue }
            for (tenant, _) in open where left > 0 {
                given[tenant.id, default: 0] += 1
                left -= 1
            }
            break
        }
        return given
    }
}
