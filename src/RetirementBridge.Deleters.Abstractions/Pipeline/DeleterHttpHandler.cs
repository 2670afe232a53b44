namespace RetirementBridge.Deleters;

/// <summary>
/// In every HttpClient the factory builds: holds each request made during a deleter's call to that deleter's rate
/// limit (<c>Deleters:{Name}:RateLimit</c>), so every deleter is limited alike, built-in or not, whatever clients it
/// uses, and a limit counts what the provider counts: requests, not learners or calls.
/// </summary>
internal sealed class DeleterHttpHandler(IDeleterRateLimits limits) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (DeleterCall.Running is { } deleter && limits.For(deleter) is { } limiter)
        {
            using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
            if (!lease.IsAcquired)
                throw new HttpRequestException(HttpRequestError.Unknown, "the deleter's rate limiter refused the request");
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
