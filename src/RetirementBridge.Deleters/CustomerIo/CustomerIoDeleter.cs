using System.Text.Json;
using MediatR;
using Refit;

namespace RetirementBridge.Deleters.CustomerIo;

/// <summary>
/// Erases a learner from Customer.io with the Track API: <c>DELETE /api/v1/customers/{identifier}</c> (the LMS user id,
/// or the email address), then, with <see cref="CustomerIoOptions.Suppress"/>,
/// <c>POST /api/v1/customers/{identifier}/suppress</c> so that a later event cannot create the person again.
/// Customer.io answers 200 whether or not it had the person, so "deleted" and "was never there" look the same and are
/// both reported <see cref="DeletionOutcomeKind.Deleted"/>. A 404 is <see cref="DeletionOutcomeKind.Gone"/> only once
/// <c>GET /api/v1/accounts/region</c> shows that BaseUrl and the credentials reach Customer.io's Track API: a proxy's or
/// a wrong path's 404 would otherwise count every learner as erased.
/// </summary>
internal sealed class CustomerIoDeleter(ICustomerIoTrackApi api, CustomerIoOptions options, TimeProvider clock)
    : IRequestHandler<EraseLearners, DeletionResults>
{
    /// <summary>Set once this call has seen the region endpoint answer as Customer.io's (one check per call at most).</summary>
    private bool _trackApiConfirmed;

    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        // The Track API deletes one person per request: the batch size is 1, and the loop is only the contract's shape.
        var results = new DeletionResults();
        foreach (var item in request.Items)
            results.Set(item, await EraseAsync(item.Learner, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<DeletionOutcome> EraseAsync(RetiredLearner learner, CancellationToken cancellationToken)
    {
        var identifiers = CustomerIoIdentifiers.For(learner, options.Identifier);
        if (identifiers.Count == 0)
            // Sending an empty identifier would address the collection itself, or someone else: never taken as erased.
            return DeletionOutcome.Permanent(options.Identifier == CustomerIoIdentifier.Email
                ? "the learner has no email address"
                : "the learner has no LMS user id");

        var deleted = false;
        var suppressed = 0;
        for (var i = 0; i < identifiers.Count; i++)
        {
            var identifier = identifiers[i];
            // Steps name which form of the identifier they used (never its value).
            var form = i == 0 ? "" : " (lower-case address)";
            var deletion = await StepAsync($"delete{form}",
                () => api.DeleteCustomerAsync(identifier, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (!deletion.IsSuccess)
                return deletion;
            deleted |= deletion.Kind == DeletionOutcomeKind.Deleted;

            if (!options.Suppress)
                continue;
            var suppression = await StepAsync($"suppress{form}",
                () => api.SuppressCustomerAsync(identifier, CustomerIoEmptyBody.Instance, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (!suppression.IsSuccess)
                return suppression;
            if (suppression.Kind == DeletionOutcomeKind.Deleted)
                suppressed++;
        }

        var reference = !options.Suppress ? null
            : suppressed == identifiers.Count ? (suppressed == 1 ? "identifier suppressed" : $"{suppressed} identifiers suppressed")
            : $"suppressed {suppressed} of {identifiers.Count} identifiers (Customer.io answered 404 for the others)";
        return deleted ? DeletionOutcome.Deleted(reference) : DeletionOutcome.Gone(reference);
    }

    /// <summary>
    /// One request: <see cref="DeletionOutcomeKind.Deleted"/> for Customer.io's 200 <c>{}</c>,
    /// <see cref="DeletionOutcomeKind.Gone"/> for a 404 confirmed as the Track API's, else the failure.
    /// </summary>
    private async Task<DeletionOutcome> StepAsync(
        string step, Func<Task<IApiResponse<JsonElement>>> send, CancellationToken cancellationToken)
    {
        using var response = await send().ConfigureAwait(false);
        // A cancelled call (the attempt's timeout, or the host stopping) is the pipeline's to classify, not an answer.
        cancellationToken.ThrowIfCancellationRequested();
        if (CustomerIoAnswer.IsSuccess(response))
            return DeletionOutcome.Deleted();
        if (!CustomerIoAnswer.IsNotFound(response))
            return CustomerIoAnswer.Failure(response, step, clock);
        return await ConfirmTrackApiAsync(step, cancellationToken).ConfigureAwait(false) ?? DeletionOutcome.Gone();
    }

    /// <summary>
    /// Null when <c>GET /api/v1/accounts/region</c> answers as Customer.io documents it, so the 404 of
    /// <paramref name="step"/> came from the Track API itself; else the outcome that ends the attempt.
    /// </summary>
    private async Task<DeletionOutcome?> ConfirmTrackApiAsync(string step, CancellationToken cancellationToken)
    {
        if (_trackApiConfirmed)
            return null;
        using var region = await api.GetRegionAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (CustomerIoAnswer.IsRegionAnswer(region))
        {
            _trackApiConfirmed = true;
            return null;
        }
        if (CustomerIoAnswer.IsNotFound(region) || CustomerIoAnswer.IsSuccessStatus(region))
            // Neither the person's path nor the region endpoint is where Customer.io keeps them: a wrong BaseUrl or proxy.
            return DeletionOutcome.Permanent(
                $"{step}: HTTP 404, and GET /api/v1/accounts/region did not answer as Customer.io (check BaseUrl and Region)");
        return CustomerIoAnswer.Failure(region, $"{step}: HTTP 404, confirming with the region endpoint", clock);
    }
}
