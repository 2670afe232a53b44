using MediatR;

namespace RetirementBridge.Deleters;

/// <summary>
/// <c>Deleters:{Name}:DryRun</c>: the deleter is not called. Each learner's outcome says what one call would have sent
/// (the deleter's request shape and the batch size; no values), and the delivery waits, identity kept, until dry run
/// is turned off.
/// </summary>
public sealed class DryRunBehavior<TRequest>(IEnumerable<DeleterRegistration> registrations)
    : IPipelineBehavior<TRequest, DeletionResults> where TRequest : DeleterRequest
{
    public Task<DeletionResults> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<DeletionResults> next)
    {
        var registration = registrations.Single(r => r.Name == request.Deleter);
        if (!registration.DryRun)
            return next();
        var verb = request is CheckErasureJobs ? "check" : "erase";
        return Task.FromResult(DeletionResults.ForAll(request.Items,
            DeletionOutcome.DryRun($"dry run: would {verb} {request.Items.Count} learner(s) in one call: {registration.RequestShape}")));
    }
}
