namespace RetirementBridge.Hosting;

/// <summary>
/// <c>RetirementBridge healthcheck [url]</c>: exits 0 when the bridge answers 200 at /healthz. The container image
/// has no curl; Docker's HEALTHCHECK runs this instead.
/// </summary>
internal static class HealthProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? args[1] : DefaultUrl();
        try
        {
            // The probe talks to its own process over loopback: a certificate issued for the public name cannot
            // match 127.0.0.1, and the answer carries nothing secret, so it is not checked here.
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(3) };
            using var response = await client.GetAsync(url);
            if (response.IsSuccessStatusCode)
                return 0;
            await Console.Error.WriteLineAsync($"healthcheck: {url} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"healthcheck: {url} did not answer ({ex.GetType().Name})");
        }
        return 1;
    }

    /// <summary>/healthz on loopback at the port the bridge listens on: the first of ASPNETCORE_URLS (which wins over
    /// ASPNETCORE_HTTP_PORTS in Kestrel too, and may be HTTPS only), else ASPNETCORE_HTTP_PORTS, else the image's 8080.</summary>
    private static string DefaultUrl()
    {
        var first = Environment.GetEnvironmentVariable("ASPNETCORE_URLS")?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (first is not null && Uri.TryCreate(first.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var listen))
            return $"{listen.Scheme}://127.0.0.1:{listen.Port}/healthz";
        if (Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split(',', ';')[0] is { Length: > 0 } port)
            return $"http://127.0.0.1:{port}/healthz";
        return "http://127.0.0.1:8080/healthz";
    }
}
