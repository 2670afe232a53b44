using MediatR;

namespace RetirementBridge.Deleters;

/// <summary>
/// A deleter that throws gets every learner of its call classified from the exception's type, never its message
/// (a provider library may put the request URL, and so the email, in it). A throw is never a success.
/// </summary>
public sealed class FailureClassificationBehavior<TRequest> : IPipelineBehavior<TRequest, DeletionResults> where TRequest : DeleterRequest
{
    public async Task<DeletionResults> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<DeletionResults> next)
    {
        try
        {
            return await next().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (request.Stopping.IsCancellationRequested)
        {
            throw; // the host is stopping: not an outcome, the call runs again after restart
        }
        catch (Exception ex)
        {
            return DeletionResults.ForAll(request.Items, HttpOutcomes.FromException(ex));
        }
    }
}
