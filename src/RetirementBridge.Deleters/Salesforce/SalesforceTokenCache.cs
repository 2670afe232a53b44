namespace RetirementBridge.Deleters.Salesforce;

/// <summary>
/// The access token of the client credentials flow, shared by every call of the deleter (a singleton). Salesforce's
/// answer does not say when a token expires (the app's session policy decides), so it is kept until Salesforce
/// refuses it: then exactly one new token is requested, however many calls saw the refusal at once. The token is
/// never logged, never put in an outcome.
/// </summary>
internal sealed class SalesforceTokenCache
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;

    /// <summary>
    /// The cached token, or a new one from the token endpoint when none is cached or the cached one is
    /// <paramref name="refused"/> (the token a request was just refused with).
    /// </summary>
    public async Task<(string? Token, DeletionOutcome? Failure)> GetAsync(
        ISalesforceApi api, SalesforceOptions options, string? refused, CancellationToken cancellationToken)
    {
        if (Usable(Volatile.Read(ref _token), refused) is { } cached)
            return (cached, null);

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another call may have renewed it while this one waited.
            if (Usable(_token, refused) is { } renewed)
                return (renewed, null);
            Volatile.Write(ref _token, null);

            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = options.ClientId!,
                ["client_secret"] = options.ClientSecret!,
            };
            using var response = await api.RequestTokenAsync(form, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var (token, failure) = SalesforceAnswer.Token(response);
            if (token is not null)
                Volatile.Write(ref _token, token);
            return (token, failure);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string? Usable(string? token, string? refused) =>
        token is not null && !string.Equals(token, refused, StringComparison.Ordinal) ? token : null;
}
