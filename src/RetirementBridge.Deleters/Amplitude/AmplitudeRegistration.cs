using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters.Amplitude;

/// <summary>Public so that tests (another assembly) can register the deleter on its own.</summary>
public static class AmplitudeRegistration
{
    public const string Name = "amplitude";

    /// <param name="section"><c>configuration.GetSection("Deleters:Amplitude")</c>.</param>
    public static void AddAmplitudeDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<AmplitudeDeleter, AmplitudeOptions>(Name, section);
        if (options is null)
            return;

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ApiKey}:{options.SecretKey}"));
        services.AddDeleterRefitClient<IAmplitudeApi>(AmplitudeJsonContext.Default, options.EffectiveBaseUrl!, options, new AuthenticationHeaderValue("Basic", basic));
    }
}
