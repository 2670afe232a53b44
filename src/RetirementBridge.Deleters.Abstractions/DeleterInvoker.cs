using MediatR;

namespace RetirementBridge.Deleters;

/// <summary>
/// Runs one deleter for one attempt and always comes back with an outcome. The dispatcher and the test kit both
/// use it, so a deleter behaves in its tests exactly as it does in the bridge.
/// </summary>
public static class DeleterInvoker
{
    /// <param name="stopping">Cancelled when the host shuts down; that cancellation propagates (the attempt is not
    /// counted: its lease lapses and it runs again after restart).</param>
    public static async Task<DeletionOutcome> InvokeAsync(
        INotificationHandler<UserRetired> handler, UserRetired notification, TimeSpan timeout, CancellationToken stopping)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        attempt.CancelAfter(timeout);
        try
        {
            await handler.Handle(notification, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested)
        {
            return DeletionOutcome.Transient($"timed out after {timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex)
        {
            // Never ex.Message: a provider library may put the request URL, and so the email, in it.
            return HttpOutcomes.FromException(ex);
        }

        // MediatR's contract: a handler that returned without throwing has handled the notification.
        return notification.Outcome ?? DeletionOutcome.Deleted();
    }
}
