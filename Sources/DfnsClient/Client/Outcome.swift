/// The result of a request that creates an asynchronous entity (a signature, a transfer, a
/// transaction): done, held by a policy, or ended without a result. A pending or failed entity is
/// not an error: it is reported with the entity, so that nobody retries it blindly.
public enum Outcome<Entity: Sendable>: Sendable {
    /// The entity reached a state with a result (e.g. a signature `Signed`).
    case completed(Entity)
    /// 202, or a non-terminal status: held by a policy (with its approval id when the server gave
    /// one) or still executing. Poll the entity or wait for a webhook.
    case pending(Entity, approvalId: String?)
    /// A terminal failure: `Failed` or `Rejected` (with the server's reason when given).
    case failed(Entity, status: String, reason: String?)

    /// The entity, whatever the outcome.
    public var entity: Entity {
        switch self {
        case .completed(let e), .pending(let e, _), .failed(let e, _, _): return e
        }
    }
}
