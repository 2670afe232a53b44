using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Refit;

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

        // Error bodies are read into Refit's exception; a bound keeps a hostile body from using unbounded memory.
        var refit = new RefitSettings { MaxExceptionContentLength = 4096 };
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ApiKey}:{options.SecretKey}"));

        // Refit 16 builds requests with its source-generated implementation (see the Mailchimp deleter).
        services.AddRefitGeneratedClient<IAmplitudeApi>(AmplitudeJsonContext.Default, _ => refit)
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = options.EffectiveBaseUrl;
                client.Timeout = options.Timeout;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
            })
            .ConfigureForDeleter();
    }
}
