namespace RetirementBridge.Storage;

/// <summary>What operators read and do through the admin API, and the start-up warnings and retention sweep built on
/// the same reads. No read returns the learner's email or username.</summary>
public interface IRetirementAdminStore
{
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
}
