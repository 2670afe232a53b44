namespace RetirementBridge.Deleters.SendGrid;

/// <summary>Which SendGrid API host the account (or regional subuser) lives on.</summary>
public enum SendGridRegion
{
    /// <summary><c>https://api.sendgrid.com</c>: global users and subusers.</summary>
    Global,

    /// <summary><c>https://api.eu.sendgrid.com</c>: EU regional subusers.</summary>
    EU,
}

/// <summary>
/// Configuration section <c>Deleters:SendGrid</c>: Twilio SendGrid Marketing Campaigns contacts. A learner is found by
/// email (<c>POST /v3/marketing/contacts/search/emails</c>, up to 100 addresses a request), the contacts found are
/// deleted by id in one asynchronous job (<c>DELETE /v3/marketing/contacts?ids=...</c>), and the job is followed
/// (<c>GET /v3/marketing/contacts/imports/{job_id}</c>) until SendGrid reports it completed.
/// </summary>
public sealed class SendGridOptions : DeleterOptions
{
    /// <summary>SendGrid's "Get Contacts by Emails" returns up to 100 contacts a request: 100 addresses at most.</summary>
    public const int MaxEmailsPerSearch = 100;

    /// <summary>The longest address the search takes (its <c>emails</c> items have <c>maxLength: 100</c>).</summary>
    public const int MaxSearchableEmailLength = 100;

    public static readonly Uri GlobalBaseUrl = new("https://api.sendgrid.com");

    public static readonly Uri EuBaseUrl = new("https://api.eu.sendgrid.com");

    public SendGridOptions()
    {
        BatchSize = MaxEmailsPerSearch;
        // SendGrid sends X-RateLimit-Limit/-Remaining/-Reset on every answer but publishes no number for the Marketing
        // contacts endpoints (the one number it documents, 600 requests a minute, is for v2 endpoints). Two requests a
        // second (120 a minute) is a conservative fifth of that and leaves room for other tools on the same account;
        // a 429 still pauses the deleter until the X-RateLimit-Reset SendGrid gives.
        RateLimit = new RateLimitOptions { Requests = 2, Per = TimeSpan.FromSeconds(1) };
        MaxConcurrency = 2;
        // A call is one search and one delete, or, when SendGrid refuses an address of the batch (400), up to
        // MaxSearchesPerCall searches narrowing it down: 30 at 2 a second, shared by 2 concurrent calls, fit in a minute.
        Timeout = TimeSpan.FromSeconds(60);
        // SendGrid documents no turnaround for a deletion job ("processed asynchronously"); they usually finish within
        // minutes, and a check is one cheap GET.
        JobCheckInterval = TimeSpan.FromMinutes(5);
        // A job still pending after a week is stuck: the delivery goes dead so that an operator looks at it.
        JobDeadline = TimeSpan.FromDays(7);
    }

    /// <summary>
    /// A SendGrid API key (<c>SG.…</c>) with Marketing access to contacts (read for the search, delete for the
    /// deletion, and the import status), sent as <c>Authorization: Bearer</c>.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Global (default) or EU; <see cref="DeleterOptions.BaseUrl"/>, when set, wins.</summary>
    public SendGridRegion Region { get; set; } = SendGridRegion.Global;

    /// <summary>
    /// At most this many search requests in one erase call. SendGrid refuses a whole search (400) when any address in
    /// it is invalid without saying which, so the deleter halves the batch until it has the refused address alone;
    /// learners left unsearched when the budget is spent are transient and searched again at the next attempt.
    /// </summary>
    public int MaxSearchesPerCall { get; set; } = 30;

    /// <summary>
    /// At most this many jobs are looked up in one job-check call; learners of the other jobs in that call stay
    /// pending and are checked again a minute later.
    /// </summary>
    public int MaxJobChecksPerCall { get; set; } = 25;

    public override int MaxBatchSize => MaxEmailsPerSearch;

    /// <summary><see cref="DeleterOptions.BaseUrl"/>, or the <see cref="Region"/>'s API host.</summary>
    public Uri EffectiveBaseUrl => BaseUrl ?? (Region == SendGridRegion.EU ? EuBaseUrl : GlobalBaseUrl);

    public override string RequestShape =>
        "POST /v3/marketing/contacts/search/emails {\"emails\":[learner emails, up to 100]} (halved when SendGrid refuses an address;" +
        " GET /v3/marketing/contacts/count once when a search finds nobody);" +
        " DELETE /v3/marketing/contacts?ids={contact ids found} once per call; job checks: GET /v3/marketing/contacts/imports/{job_id} once per job";

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the key: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required";
        else if (!ApiKey.StartsWith("SG.", StringComparison.Ordinal) || ApiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return "ApiKey must be a SendGrid API key (SG. followed by the key, no spaces)";

        if (!Enum.IsDefined(Region))
            yield return "Region must be Global or EU";

        // The key travels in every request: never in clear text over a network.
        if (BaseUrl is { IsAbsoluteUri: true } url && url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
            yield return "BaseUrl must use https (http only for a loopback address)";

        if (MaxSearchesPerCall is < 1 or > 1000)
            yield return "MaxSearchesPerCall must be between 1 and 1000";
        if (MaxJobChecksPerCall is < 1 or > 1000)
            yield return "MaxJobChecksPerCall must be between 1 and 1000";
    }
}
