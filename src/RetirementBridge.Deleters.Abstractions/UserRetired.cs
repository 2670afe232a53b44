using MediatR;

namespace RetirementBridge.Deleters;

/// <summary>
/// The MediatR notification a deleter handles: one learner to erase in one external system. The dispatcher creates
/// one instance per delivery attempt and hands it to exactly one deleter, so a handler reports its result on the
/// notification it was given (MediatR 5 notification handlers return no value):
/// <code>notification.Report(DeletionOutcome.Deleted());</code>
/// A handler that returns without reporting counts as <see cref="DeletionOutcome.Deleted"/>; one that throws counts
/// as <see cref="DeletionOutcomeKind.Transient"/> (retried until the deadline, then dead), never as success.
/// </summary>
public sealed class UserRetired : INotification
{
    public UserRetired(string retirementId, string deliveryId, int attempt, RetiredLearner learner, string? previousProviderReference = null)
    {
        RetirementId = retirementId;
        DeliveryId = deliveryId;
        Attempt = attempt;
        Learner = learner;
        PreviousProviderReference = previousProviderReference;
    }

    /// <summary>The bridge's id of the retirement (shared by every deleter's delivery).</summary>
    public string RetirementId { get; }

    /// <summary>This deleter's delivery: stable across retries, so it is a good idempotency key for a provider.</summary>
    public string DeliveryId { get; }

    /// <summary>1 for the first attempt, 2 for the first retry, and so on.</summary>
    public int Attempt { get; }

    public RetiredLearner Learner { get; }

    /// <summary>The provider reference an earlier attempt reported, if any (for providers that answer with a job id).</summary>
    public string? PreviousProviderReference { get; }

    /// <summary>What the handler reported; null when it reported nothing.</summary>
    public DeletionOutcome? Outcome { get; private set; }

    /// <summary>Records how this attempt ended. The last report wins.</summary>
    public void Report(DeletionOutcome outcome) => Outcome = outcome ?? throw new ArgumentNullException(nameof(outcome));

    public override string ToString() => $"UserRetired(retirement={RetirementId}, delivery={DeliveryId}, attempt={Attempt})";
}
