using RetirementBridge.StandardWebhooks;

namespace RetirementBridge.Deleters.Webhook;

/// <summary>Configuration section <c>Deleters:Webhook</c>: any HTTP endpoint that accepts a signed retirement event.</summary>
public sealed class WebhookDeleterOptions : DeleterOptions
{
    /// <summary>
    /// The receiver's absolute http(s) URL. A string rather than a <see cref="Uri"/> so that a malformed value fails
    /// in <see cref="Validate"/> (which never echoes it: a URL can carry a token) instead of in the binder.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>The Standard Webhooks signing secret, <c>whsec_</c> followed by base64.</summary>
    public string? Secret { get; set; }

    // Methods, not properties, so the configuration binder never evaluates them; call only after Validate passed.

    /// <summary>Where requests go: <see cref="Url"/>, with scheme, host and port taken from BaseUrl when it is set.</summary>
    internal Uri RequestUri()
    {
        var url = new Uri(Url!, UriKind.Absolute);
        if (BaseUrl is null)
            return url;
        return new UriBuilder(url) { Scheme = BaseUrl.Scheme, Host = BaseUrl.Host, Port = BaseUrl.Port }.Uri;
    }

    internal WebhookSecret SigningSecret() => WebhookSecret.Parse(Secret!);

    public override string RequestShape => "POST {Url} (a signed user.retire_lms_misc event) per learner";

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        if (string.IsNullOrWhiteSpace(Url))
            yield return "Url is required";
        else if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            yield return "Url must be an absolute http(s) URL";

        if (string.IsNullOrWhiteSpace(Secret))
            yield return "Secret is required";
        else if (!WebhookSecret.TryParse(Secret, out _, out var why))
            yield return $"Secret {why}";
    }
}
