using MediatR;

namespace RetirementBridge.Deleters;

/// <summary>The innermost behaviour: the deleter's call is cancelled after its <c>Timeout</c>, and every learner of
/// a call cut short counts as a transient failure.</summary>
public sealed class TimeoutBehavior<TRequest>(IEnumerable<DeleterRegistration> registrations)
    : IPipelineBehavior<TRequest, DeletionResults> where TRequest : DeleterRequest
{
    public async Task<DeletionResults> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<DeletionResults> next)
    {
        var timeout = registrations.Single(r => r.Name == request.Deleter).Timeout;
        var outer = request.AttemptToken;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(outer);
        attempt.CancelAfter(timeout);
        request.AttemptToken = attempt.Token;
        try
        {
            return await next().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested && !outer.IsCancellationRequested)
        {
            return DeletionResults.ForAll(request.Items, DeletionOutcome.Transient($"timed out after {timeout.TotalSeconds:0.###} s"));
        }
        finally
        {
            request.AttemptToken = outer;
        }
    }
}
