using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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

        services.AddDeleterRefitClient<ISegmentApi>(SegmentJsonContext.Default, options.EffectiveBaseUrl!, options, new AuthenticationHeaderValue("Bearer", options.Token))
            // Pins the Public API version whose answers the deleter reads.
            .ConfigureHttpClient(client => client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.segment.v1+json")));
    }
}
