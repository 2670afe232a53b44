namespace RetirementBridge.Hosting;

/// <summary>
/// <c>RetirementBridge healthcheck [url]</c>: exits 0 when the bridge answers 200 at /healthz. The container image
/// has no curl; Docker's HEALTHCHECK runs this instead.
/// </summary>
internal static class HealthProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var port = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split(',', ';')[0] ?? "8080";
        var url = args.Length > 1 ? args[1] : $"http://127.0.0.1:{port}/healthz";
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
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
}
