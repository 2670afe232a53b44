using MediatR;

namespace RetirementBridge.Deleters;

/// <summary>One learner in a deleter call: who, and which delivery their outcome belongs to.</summary>
/// <param name="DeliveryId">This deleter's delivery: stable across retries, so a good idempotency key for a provider.</param>
/// <param name="RetirementId">The bridge's id of the retirement (shared by every deleter's delivery).</param>
/// <param name="Attempt">1 for the first erase attempt, 2 for the first retry, and so on (job checks do not count).</param>
/// <param name="ProviderReference">What an earlier call reported: for a job check, the provider's job reference.</param>
public sealed record ErasureItem(string DeliveryId, string RetirementId, int Attempt, RetiredLearner Learner, string? ProviderReference = null)
{
    public override string ToString() => $"ErasureItem(delivery={DeliveryId}, retirement={RetirementId}, attempt={Attempt})";
}

/// <summary>
/// What a deleter is asked to do, for one or more learners at once (never more than its batch size). A deleter's
/// handler answers with a <see cref="DeletionResults"/> holding one outcome per learner. The bridge sends each request
/// to exactly one deleter (never <c>IMediator.Publish</c>), through the pipeline behaviours every deleter shares.
/// </summary>
public abstract class DeleterRequest : IRequest<DeletionResults>
{
    protected DeleterRequest(string deleter, IReadOnlyList<ErasureItem> items)
    {
        if (items.Count == 0)
            throw new ArgumentException("A deleter request holds at least one learner.", nameof(items));
        Deleter = deleter;
        Items = items;
    }

    /// <summary>The deleter's stable name.</summary>
    public string Deleter { get; }

    public IReadOnlyList<ErasureItem> Items { get; }

    /// <summary>The token the handler is called with: the pipeline narrows it (the attempt's timeout).</summary>
    internal CancellationToken AttemptToken { get; set; }

    /// <summary>Cancelled when the host stops: an attempt cut short by it is not counted, it runs again after restart.</summary>
    internal CancellationToken Stopping { get; set; }

    public override string ToString() => $"{GetType().Name}(deleter={Deleter}, learners={Items.Count})";
}

/// <summary>Erase these learners. Handled by every deleter: <c>IRequestHandler&lt;EraseLearners, DeletionResults&gt;</c>.</summary>
public sealed class EraseLearners(string deleter, IReadOnlyList<ErasureItem> items) : DeleterRequest(deleter, items);

/// <summary>
/// Ask the provider how the erasure jobs it accepted earlier are doing; each item's <see cref="ErasureItem.ProviderReference"/>
/// is the job reference its <see cref="DeletionOutcome.Pending"/> outcome gave (several learners may share one job).
/// Handled only by asynchronous deleters, which also implement <c>IRequestHandler&lt;CheckErasureJobs, DeletionResults&gt;</c>.
/// A check is not a retry: it uses no attempt and pauses nothing.
/// </summary>
public sealed class CheckErasureJobs(string deleter, IReadOnlyList<ErasureItem> items) : DeleterRequest(deleter, items);
