using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace RetirementBridge.Deleters;

/// <summary>The Refit client every built-in provider deleter uses, set up once.</summary>
internal static class DeleterRefitClients
{
    /// <summary>
    /// Registers <typeparamref name="TApi"/> against <paramref name="baseAddress"/> with the deleter's timeout and the
    /// provider's credentials (null for a provider that authenticates with a header of its own: add it on the builder). Refit 16 builds requests with its source-generated implementation; the reflection
    /// builder is a package this feed lacks, so AddRefitClient would fail at the first call.
    /// </summary>
    public static IHttpClientBuilder AddDeleterRefitClient<TApi>(
        this IServiceCollection services, JsonSerializerContext json, Uri baseAddress, DeleterOptions options, AuthenticationHeaderValue? credentials)
        where TApi : class
    {
        // Error bodies are read into Refit's exception: a bound keeps a hostile body from using unbounded memory, and
        // request bodies (they can hold emails or usernames) are never copied into one.
        var refit = new RefitSettings { MaxExceptionContentLength = 4096, CaptureRequestContent = false };
        return services.AddRefitGeneratedClient<TApi>(json, _ => refit)
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = baseAddress;
                client.Timeout = options.Timeout;
                if (credentials is not null)
                    client.DefaultRequestHeaders.Authorization = credentials;
            })
            .ConfigureForDeleter();
    }
}
