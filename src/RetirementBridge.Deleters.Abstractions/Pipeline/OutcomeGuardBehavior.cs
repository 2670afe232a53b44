using MediatR;

namespace RetirementBridge.Deleters;

/// <summary>
/// The outermost behaviour: what leaves a deleter call is one outcome per learner asked about, and no outcome text
/// names a learner. A learner the deleter gave no outcome counts as a transient failure, never as erased; an outcome
/// for a delivery that was not asked about is dropped; a reason or provider reference holding the learner's email or
/// username is withheld.
/// </summary>
public sealed class OutcomeGuardBehavior<TRequest> : IPipelineBehavior<TRequest, DeletionResults> where TRequest : DeleterRequest
{
    public const string Withheld = "[withheld: it held the learner's identity]";

    public async Task<DeletionResults> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<DeletionResults> next)
    {
        var results = await next().ConfigureAwait(false);
        return DeletionResults.Each(request.Items, item => results?.For(item) is { } outcome
            ? Guarded(outcome, item.Learner)
            : DeletionOutcome.Transient("the deleter gave no outcome for this learner"));
    }

    private static DeletionOutcome Guarded(DeletionOutcome outcome, RetiredLearner learner)
    {
        var reason = NamesLearner(outcome.Reason, learner) ? Withheld : outcome.Reason;
        var reference = NamesLearner(outcome.ProviderReference, learner) ? Withheld : outcome.ProviderReference;
        return ReferenceEquals(reason, outcome.Reason) && ReferenceEquals(reference, outcome.ProviderReference)
            ? outcome
            : outcome.WithText(reason, reference);
    }

    private static bool NamesLearner(string? text, RetiredLearner learner) =>
        !string.IsNullOrEmpty(text)
        && ((!string.IsNullOrEmpty(learner.Email) && (text.Contains(learner.Email, StringComparison.OrdinalIgnoreCase)
                                                      || text.Contains(Uri.EscapeDataString(learner.Email), StringComparison.OrdinalIgnoreCase)))
            || (!string.IsNullOrEmpty(learner.Username) && text.Contains(learner.Username, StringComparison.OrdinalIgnoreCase)));
}
