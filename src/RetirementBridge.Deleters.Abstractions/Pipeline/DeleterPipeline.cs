using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters;

/// <summary>
/// Sends one request to one deleter through the pipeline behaviours every deleter shares (registered by
/// <see cref="DeleterServiceCollectionExtensions.AddDeleter{THandler,TOptions}"/>), the way MediatR composes them,
/// but to the handler registered under the deleter's name: several deleters handle the same request type, and
/// <c>IMediator.Send</c> would pick one of them. The dispatcher and the test kit both call this, so a deleter runs in
/// its tests exactly as in the bridge.
/// </summary>
public static class DeleterPipeline
{
    /// <param name="services">A scope's provider: the handler and the behaviours are resolved from it.</param>
    /// <param name="stopping">Cancelled when the host stops; that cancellation propagates (the call is not counted).</param>
    public static async Task<DeletionResults> SendAsync<TRequest>(IServiceProvider services, TRequest request, CancellationToken stopping)
        where TRequest : DeleterRequest
    {
        var registration = services.GetServices<DeleterRegistration>().SingleOrDefault(r => r.Name == request.Deleter)
            ?? throw new InvalidOperationException($"No deleter named '{request.Deleter}' is registered: is its section's Enabled set to true?");
        var handler = services.GetKeyedService<IRequestHandler<TRequest, DeletionResults>>(request.Deleter)
            ?? throw new InvalidOperationException($"Deleter '{request.Deleter}' does not handle {typeof(TRequest).Name}.");

        request.Stopping = stopping;
        request.AttemptToken = stopping;
        RequestHandlerDelegate<DeletionResults> next = () => handler.Handle(request, request.AttemptToken);
        // MediatR's order: the first behaviour registered is the outermost.
        var behaviours = services.GetServices<IPipelineBehavior<TRequest, DeletionResults>>().ToList();
        for (var i = behaviours.Count - 1; i >= 0; i--)
        {
            var behaviour = behaviours[i];
            var inner = next;
            next = () => behaviour.Handle(request, stopping, inner);
        }

        // Every HTTP request made during the call, through any client of the factory, counts against this deleter's
        // rate limit (DeleterHttpHandler reads this).
        using (DeleterCall.Enter(registration))
            return await next().ConfigureAwait(false);
    }
}
