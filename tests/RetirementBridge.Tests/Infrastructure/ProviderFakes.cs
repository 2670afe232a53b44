using System.Security.Cryptography;
using System.Text;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace RetirementBridge.Tests.Infrastructure;

/// <summary>
/// WireMock.Net servers on 127.0.0.1 standing in for the providers the bridge's deleters call, and the bridge
/// settings that point each deleter at its fake.
/// </summary>
public static class ProviderFakes
{
    public const string MailchimpKey = "0123456789abcdef0123456789abcdef-us21";
    public const string MailchimpAudience = "a1b2c3d4e5";
    public static readonly string DeleterSecret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("deleter-webhook-secret-0123456"));

    public static WireMockServer Start() =>
        // Port 0: the system picks a free loopback port, and fake.Url reports it.
        WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], DisableJsonBodyParsing = true });

    public static Dictionary<string, string?> Mailchimp(WireMockServer fake) => new()
    {
        ["Deleters:Mailchimp:Enabled"] = "true",
        ["Deleters:Mailchimp:ApiKey"] = MailchimpKey,
        ["Deleters:Mailchimp:Audiences:0"] = MailchimpAudience,
        ["Deleters:Mailchimp:BaseUrl"] = fake.Url,
        ["Deleters:Mailchimp:Timeout"] = "00:00:05",
    };

    public static Dictionary<string, string?> Webhook(WireMockServer fake) => new()
    {
        ["Deleters:Webhook:Enabled"] = "true",
        ["Deleters:Webhook:Url"] = fake.Url + "/hooks/erase",
        ["Deleters:Webhook:Secret"] = DeleterSecret,
        ["Deleters:Webhook:Timeout"] = "00:00:05",
    };

    public const string BrazeKey = "braze-rest-key-0123456789";
    public const string HubSpotToken = "pat-na1-0123456789abcdef";
    public const string SegmentToken = "sgp_segment-token-0123456789";
    public const string AmplitudeKey = "amplitude-api-key-0123";
    public const string AmplitudeSecret = "amplitude-secret-key-0123";

    public static Dictionary<string, string?> Braze(WireMockServer fake) => Enabled("Braze", fake, ("ApiKey", BrazeKey));

    public static Dictionary<string, string?> HubSpot(WireMockServer fake) => Enabled("HubSpot", fake, ("AccessToken", HubSpotToken));

    /// <summary>Segment, checking its regulations every 200 ms instead of every 15 minutes.</summary>
    public static Dictionary<string, string?> Segment(WireMockServer fake) =>
        Enabled("Segment", fake, ("Token", SegmentToken), ("JobCheckInterval", "00:00:00.200"));

    /// <summary>Amplitude, checking its jobs every 200 ms instead of daily, and not held to 1 request/s.</summary>
    public static Dictionary<string, string?> Amplitude(WireMockServer fake) => Enabled("Amplitude", fake,
        ("ApiKey", AmplitudeKey), ("SecretKey", AmplitudeSecret), ("JobCheckInterval", "00:00:00.200"), ("RateLimit:Requests", "100"));

    public const string SendGridKey = "SG.sendgrid-key-0123.abcdefghijklmnop";
    public const string BrevoKey = "xkeysib-brevo-key-0123456789";
    public const string MailgunKey = "mailgun-key-0123456789abcdef";
    public const string MailgunList = "alumni@mg.example.org";
    public const string KlaviyoKey = "pk_klaviyo0123456789abcdef0123456789";
    public const string CustomerIoSite = "customerio-site-0123";
    public const string CustomerIoKey = "customerio-key-0123";

    /// <summary>SendGrid, checking its deletion jobs every 200 ms instead of every 5 minutes.</summary>
    public static Dictionary<string, string?> SendGrid(WireMockServer fake) =>
        Enabled("SendGrid", fake, ("ApiKey", SendGridKey), ("JobCheckInterval", "00:00:00.200"));

    public static Dictionary<string, string?> Brevo(WireMockServer fake) => Enabled("Brevo", fake, ("ApiKey", BrevoKey));

    public static Dictionary<string, string?> Mailgun(WireMockServer fake) =>
        Enabled("Mailgun", fake, ("ApiKey", MailgunKey), ("Lists:0", MailgunList));

    public static Dictionary<string, string?> Klaviyo(WireMockServer fake) => Enabled("Klaviyo", fake, ("ApiKey", KlaviyoKey));

    public static Dictionary<string, string?> CustomerIo(WireMockServer fake) =>
        Enabled("CustomerIo", fake, ("SiteId", CustomerIoSite), ("ApiKey", CustomerIoKey));

    public const string SalesforceClientId = "3MVG9salesforce.client.id";
    public const string SalesforceClientSecret = "salesforce-client-secret-0123";

    public static Dictionary<string, string?> Salesforce(WireMockServer fake) =>
        Enabled("Salesforce", fake, ("ClientId", SalesforceClientId), ("ClientSecret", SalesforceClientSecret));

    private static Dictionary<string, string?> Enabled(string section, WireMockServer fake, params (string Key, string? Value)[] settings)
    {
        var result = new Dictionary<string, string?>
        {
            [$"Deleters:{section}:Enabled"] = "true",
            [$"Deleters:{section}:BaseUrl"] = fake.Url,
            [$"Deleters:{section}:Timeout"] = "00:00:05",
        };
        foreach (var (key, value) in settings)
            result[$"Deleters:{section}:{key}"] = value;
        return result;
    }

    public static Dictionary<string, string?> Merge(params Dictionary<string, string?>[] parts) =>
        parts.SelectMany(p => p).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Mailchimp's delete-permanent path for a learner in the configured audience.</summary>
    public static string MailchimpDeletePath(TestLearner learner) =>
        $"/3.0/lists/{MailchimpAudience}/members/{Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(learner.Email.ToLowerInvariant())))}/actions/delete-permanent";

    public static IRequestBuilder MailchimpDelete(TestLearner learner) => Request.Create().UsingPost().WithPath(MailchimpDeletePath(learner));

    public static IRequestBuilder WebhookPost() => Request.Create().UsingPost().WithPath("/hooks/erase");

    /// <summary>Mailchimp's answer when it is down for maintenance (503, problem+json).</summary>
    public static IResponseBuilder MailchimpUnavailable() => Response.Create().WithStatusCode(503)
        .WithHeader("Content-Type", "application/problem+json")
        .WithBody("""{"type":"https://mailchimp.com/developer/marketing/docs/errors/","title":"Service Unavailable","status":503,"detail":"Please try again later.","instance":"x"}""");

    public static IResponseBuilder NoContent() => Response.Create().WithStatusCode(204);

    /// <summary>Requests a fake received on <paramref name="path"/>, oldest first.</summary>
    public static IReadOnlyList<WireMock.Logging.ILogEntry> Received(WireMockServer fake, string path) =>
        fake.LogEntries.Where(e => e.RequestMessage.Path == path).OrderBy(e => e.RequestMessage.DateTime).ToList();
}
