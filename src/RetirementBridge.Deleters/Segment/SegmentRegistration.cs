using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace RetirementBridge.Deleters.Segment;

public static class SegmentRegistration
{
    /// <summary>The stable deleter name stored with every delivery: never renamed.</summary>
    public const string Name = "segment";

    /// <summary>Registers the Segment deleter when <c>Deleters:Segment:Enabled</c> is true (validating the section).</summary>
    /// <param name="section"><c>configuration.GetSection("Deleters:Segment")</c>.</param>
    public static void AddSegmentDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<SegmentDeleter, SegmentOptions>(Name, section);
        if (options is null)
            return;

        // Error bodies are read into Refit's exception (the 429's msBeforeNext is in one); a bound keeps a hostile
        // body from using unbounded memory. The request body (it holds usernames) is never copied into an exception.
        var refit = new RefitSettings { MaxExceptionContentLength = 4096, CaptureRequestContent = false };

        // Refit 16 builds requests with its source-generated implementation (see MailchimpRegistration).
        services.AddRefitGeneratedClient<ISegmentApi>(SegmentJsonContext.Default, _ => refit)
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = options.EffectiveBaseUrl;
                client.Timeout = options.Timeout;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
                // Pins the Public API version whose answers the deleter reads.
                client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.segment.v1+json"));
            })
            .ConfigureForDeleter();
    }
}
