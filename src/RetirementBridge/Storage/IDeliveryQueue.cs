namespace RetirementBridge.Storage;

/// <summary>
/// The dispatcher's side. Work is leased (owner and expiry): a lease is renewed while its call runs, and a lapsed lease
/// is taken over by whichever process claims next, which is how the deliveries of a replica that died are recovered.
/// </summary>
public interface IDeliveryQueue
{
    /// <summary>
    /// Leases up to <paramref name="max"/> due deliveries of one deleter to <paramref name="owner"/>: pending or
    /// waiting-to-retry ones whose time has come, and in-progress ones whose lease has lapsed. Two concurrent claims,
    /// from this process or another, never lease the same delivery.
    /// </summary>
    Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(string deleter, int max, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the leases <paramref name="owner"/> still holds on these deliveries to <paramref name="expires"/>
    /// (the heartbeat of a running call); returns how many it still held.</summary>
    Task<int> RenewLeasesAsync(string owner, IReadOnlyCollection<string> deliveryIds, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>Records how one call ended for each of its leased deliveries, in one transaction. For each, false when
    /// its lease was lost (another owner took it over) and nothing was recorded.</summary>
    Task<IReadOnlyList<bool>> RecordAttemptsAsync(IReadOnlyList<AttemptRecord> records, CancellationToken cancellationToken);

    /// <summary>Deliveries left in dry run by these deleters (now running for real) become due; returns how many.</summary>
    Task<int> ReleaseDryRunsAsync(IReadOnlyCollection<string> liveDeleters, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>When the earliest delivery of these deleters becomes due (or its lease lapses); null when none waits.</summary>
    Task<DateTimeOffset?> NextDueAsync(IReadOnlyCollection<string> deleters, CancellationToken cancellationToken);
}
