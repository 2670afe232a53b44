namespace RetirementBridge.Deleters.Amplitude;

/// <summary>Which of Amplitude's data centres holds the project.</summary>
public enum AmplitudeRegion
{
    /// <summary>The standard server, <c>https://amplitude.com</c>.</summary>
    US,

    /// <summary>The EU residency server, <c>https://analytics.eu.amplitude.com</c>.</summary>
    EU,
}

/// <summary>Configuration section <c>Deleters:Amplitude</c>.</summary>
public sealed class AmplitudeOptions : DeleterOptions
{
    /// <summary>Amplitude takes at most 100 user ids per deletion request.</summary>
    public const int MaxUserIdsPerRequest = 100;

    /// <summary>Amplitude runs a deletion job 10 to 13 days after the first request batched into it.</summary>
    public static readonly TimeSpan LatestJobStart = TimeSpan.FromDays(13);

    public static readonly Uri StandardBaseUrl = new("https://amplitude.com");

    public static readonly Uri EuBaseUrl = new("https://analytics.eu.amplitude.com");

    public AmplitudeOptions()
    {
        BatchSize = MaxUserIdsPerRequest;
        // Amplitude documents "a rate limit of 1 HTTP request per second" on /api/2/deletions/users; job checks use
        // the same endpoint, so they count too.
        RateLimit = new RateLimitOptions { Requests = 1, Per = TimeSpan.FromSeconds(1) };
        // One request a second leaves nothing for a second concurrent call to do but wait inside its timeout.
        MaxConcurrency = 1;
        // A job runs 10 to 13 days after the request; once a day is often enough to see it finish.
        JobCheckInterval = TimeSpan.FromDays(1);
        // JobDeadline keeps the base's 30 days: Amplitude promises erasure within 30 days of the request.
    }

    /// <summary>The project's API key (the Basic user name). It picks the project whose data is deleted.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The project's secret key (the Basic password).</summary>
    public string? SecretKey { get; set; }

    /// <summary>US (default) or EU; <see cref="DeleterOptions.BaseUrl"/>, when set, wins.</summary>
    public AmplitudeRegion Region { get; set; } = AmplitudeRegion.US;

    /// <summary>The <c>requester</c> Amplitude records with each deletion (and names in the email it sends admins).</summary>
    public string Requester { get; set; } = "retirement-bridge";

    public override int MaxBatchSize => MaxUserIdsPerRequest;

    /// <summary><see cref="DeleterOptions.BaseUrl"/>, or the <see cref="Region"/>'s server.</summary>
    public Uri EffectiveBaseUrl => BaseUrl ?? (Region == AmplitudeRegion.EU ? EuBaseUrl : StandardBaseUrl);

    public override string RequestShape =>
        "POST /api/2/deletions/users with the learners' LMS user ids (JSON user_ids, up to 100 per call);" +
        " job checks: GET /api/2/deletions/users?start_day={day}&end_day={day} (one per call, spanning its job days)";

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the keys: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required";
        else if (ApiKey.Contains(':') || ApiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return "ApiKey must not contain ':' or whitespace";

        if (string.IsNullOrWhiteSpace(SecretKey))
            yield return "SecretKey is required";
        else if (SecretKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return "SecretKey must not contain whitespace";

        if (!Enum.IsDefined(Region))
            yield return "Region must be US or EU";

        if (string.IsNullOrWhiteSpace(Requester))
            yield return "Requester is required";
        else if (Requester.Length > 100 || Requester.Any(char.IsControl))
            yield return "Requester must be at most 100 characters, without control characters";

        if (JobDeadline <= LatestJobStart)
            yield return "JobDeadline must be longer than 13 days (Amplitude runs a deletion job 10 to 13 days after the request)";
    }
}
