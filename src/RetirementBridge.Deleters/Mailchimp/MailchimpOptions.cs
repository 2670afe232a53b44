using System.Text.RegularExpressions;

namespace RetirementBridge.Deleters.Mailchimp;

/// <summary>Configuration section <c>Deleters:Mailchimp</c>.</summary>
public sealed partial class MailchimpOptions : DeleterOptions
{
    /// <summary>Mailchimp allows 10 concurrent connections per account; more only earns 429s.</summary>
    public const int MailchimpConnectionLimit = 10;

    /// <summary>The Marketing API key, <c>&lt;hex&gt;-&lt;dc&gt;</c> (e.g. <c>0123abcd-us21</c>); the part after the dash is the data centre.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Audience (list) ids to erase the learner from. When empty, every attempt first lists every audience in the
    /// account (<c>GET /3.0/lists?fields=lists.id,total_items&amp;count=1000&amp;offset=N</c>, paging until all are seen),
    /// so audiences created later are covered without a configuration change, at the cost of extra calls.
    /// </summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>The data centre named by the key, e.g. <c>us21</c>; null when the key is malformed.</summary>
    public string? DataCentre => ApiKey is { } key && ApiKeyFormat().IsMatch(key) ? key[(key.LastIndexOf('-') + 1)..] : null;

    /// <summary><see cref="DeleterOptions.BaseUrl"/>, or <c>https://{dc}.api.mailchimp.com</c> by default; null while the key is malformed.</summary>
    public Uri? EffectiveBaseUrl => BaseUrl ?? (DataCentre is { } dc ? new Uri($"https://{dc}.api.mailchimp.com") : null);

    public override string RequestShape =>
        "POST /3.0/lists/{list_id}/members/{subscriber_hash}/actions/delete-permanent per audience per learner" +
        " (GET /3.0/lists first when no Audiences are configured)";

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the key: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required";
        else if (DataCentre is null)
            yield return "ApiKey must look like <hex>-<dc> (e.g. 0123abcd-us21)";

        if (MaxConcurrency > MailchimpConnectionLimit)
            yield return $"MaxConcurrency must be at most {MailchimpConnectionLimit} (Mailchimp's limit on concurrent connections)";

        // Audience ids go into a URL path; Mailchimp's are short alphanumeric strings.
        if (Audiences.Any(id => string.IsNullOrEmpty(id) || !AudienceIdFormat().IsMatch(id)))
            yield return "Audiences must be Mailchimp audience ids (letters and digits only)";
    }

    [GeneratedRegex("^[0-9a-fA-F]+-[a-z]+[0-9]+$")]
    private static partial Regex ApiKeyFormat();

    [GeneratedRegex("^[A-Za-z0-9]+$")]
    private static partial Regex AudienceIdFormat();
}
