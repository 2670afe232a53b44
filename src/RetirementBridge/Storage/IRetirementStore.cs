namespace RetirementBridge.Storage;

/// <summary>
/// The durable record of retirements and their per-deleter deliveries. Every SQL dialect detail stays in an
/// implementation; claiming work is a store operation (leases), so several bridge replicas can later share a
/// PostgreSQL store without the dispatcher changing.
/// </summary>
public interface IRetirementStore
{
    /// <summary>Creates or upgrades the schema, and makes deliveries abandoned by a crashed process claimable again.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Durably records a notification and one pending delivery per deleter, in one transaction; returns only after
    /// the commit is on disk. A repeated webhook id creates nothing and returns the first retirement's id.
    /// </summary>
    Task<AcceptResult> AcceptAsync(IncomingRetirement incoming, IReadOnlyCollection<string> deleters, CancellationToken cancellationToken);

    /// <summary>Adds a pending delivery for each enabled deleter to every unfinished retirement that lacks one
    /// (a deleter enabled after notifications arrived). Returns how many were added.</summary>
    Task<int> AddMissingDeliveriesAsync(IReadOnlyCollection<string> deleters, DateTimeOffset now, DateTimeOffset deadline, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="max"/> due deliveries of one deleter to <paramref name="owner"/>: pending or
    /// waiting-to-retry ones whose time has come, and in-progress ones whose lease has lapsed.
    /// </summary>
    Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(string deleter, int max, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records how one call ended for each of its leased deliveries, in one transaction. For each, false when
    /// its lease was lost (another owner took it over) and nothing was recorded.</summary>
    Task<IReadOnlyList<bool>> RecordAttemptsAsync(IReadOnlyList<AttemptRecord> records, CancellationToken cancellationToken);

    /// <summary>Deliveries left in dry run by these deleters (now running for real) become due; returns how many.</summary>
    Task<int> ReleaseDryRunsAsync(IReadOnlyCollection<string> liveDeleters, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>When the earliest delivery of these deleters becomes due (or its lease lapses); null when none waits.</summary>
    Task<DateTimeOffset?> NextDueAsync(IReadOnlyCollection<string> deleters, CancellationToken cancellationToken);

    Task<RetirementView?> GetRetirementAsync(string retirementId, CancellationToken cancellationToken);

    /// <summary>Retirements matching every given criterion, oldest first, at most <see cref="RetirementQuery.Limit"/>.</summary>
    Task<IReadOnlyList<RetirementView>> FindRetirementsAsync(RetirementQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeliveryView>> ListDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken);

    /// <summary>Makes a dead (or waiting) delivery due now with a fresh deadline.</summary>
    Task<ReplayResult> ReplayAsync(string deliveryId, DateTimeOffset now, DateTimeOffset newDeadline, CancellationToken cancellationToken);

    /// <summary>An operator closes a delivery that is not running and not finished: nothing more is sent for it. When
    /// no delivery of its retirement still needs the identity, the email and username are purged in the same commit.</summary>
    Task<CloseOutcome> CloseDeliveryAsync(string deliveryId, DeliveryClosure closure, CancellationToken cancellationToken);

    /// <summary>Closes every open delivery of a retirement at once (all or nothing), then purges as above.</summary>
    Task<CloseOutcome> CloseRetirementAsync(string retirementId, DeliveryClosure closure, CancellationToken cancellationToken);

    /// <summary>Deletes the pseudonymous records of retirements finished before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Pending deliveries per deleter name, for deleters not in <paramref name="enabled"/> (start-up warning).</summary>
    Task<IReadOnlyDictionary<string, int>> CountOrphanedDeliveriesAsync(IReadOnlyCollection<string> enabled, CancellationToken cancellationToken);

    /// <summary>Retirements still holding a learner's identity because a delivery is dead (start-up warning).</summary>
    Task<int> CountDeadHoldingIdentityAsync(CancellationToken cancellationToken);

    /// <summary>True when the store answers (readiness).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}

/// <summary>The store could not read or commit (locked, disk full, unreachable). The message carries no PII.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
