using System.Net;
using MediatR;

namespace RetirementBridge.Deleters.Brevo;

/// <summary>
/// Erases a learner from Brevo: <c>DELETE /v3/contacts/{email}?identifierType=email_id</c>, which deletes the contact
/// (204). Brevo answers 404 with code <c>document_not_found</c> when it has no contact with that address: the learner
/// is gone. The address is asked lower-cased and, when the learner typed upper-case letters, as typed too (see
/// <see cref="BrevoEmail.Forms"/>): the learner is deleted when either form was, gone only when neither was there.
/// </summary>
internal sealed class BrevoDeleter(IBrevoApi api, TimeProvider clock) : IRequestHandler<EraseLearners, DeletionResults>
{
    /// <summary>How the second form of the address is named in a reason (the first, lower-cased one, is not named).</summary>
    public const string AsTyped = "address as typed";

    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        // Brevo has no batch deletion by email: the batch size is 1, and the loop is only the contract's shape.
        var results = new DeletionResults();
        foreach (var item in request.Items)
            results.Set(item, await EraseAsync(item.Learner, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<DeletionOutcome> EraseAsync(RetiredLearner learner, CancellationToken cancellationToken)
    {
        var forms = BrevoEmail.Forms(learner.Email);
        if (forms.Count == 0)
            return DeletionOutcome.Permanent("the learner has no email address");
        // An address without '@' cannot be a Brevo contact's EMAIL; sent anyway, "." or ".." would not even stay a
        // path segment. Not asked: an operator looks at it.
        if (!forms[0].Contains('@'))
            return DeletionOutcome.Permanent("the learner's email address has no at sign (not sent to Brevo)");

        var deleted = false;
        for (var i = 0; i < forms.Count; i++)
        {
            using var answer = await api.DeleteContactByEmailAsync(forms[i], cancellationToken).ConfigureAwait(false);
            if (answer.StatusCode == HttpStatusCode.NoContent && !answer.HasRequestError(out _))
                deleted = true;
            else if (!BrevoAnswer.IsDocumentNotFound(answer))
                // Any other answer leaves this form's contact possibly in place: never success. A retry asks every
                // form again, and one deleted meanwhile then answers document_not_found.
                return BrevoAnswer.Failure(answer, i == 0 ? null : AsTyped, learner, clock);
        }
        return deleted ? DeletionOutcome.Deleted() : DeletionOutcome.Gone("no contact with this email");
    }
}
