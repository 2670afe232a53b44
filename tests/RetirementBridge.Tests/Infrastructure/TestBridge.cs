using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Hosting;
using RetirementBridge.StandardWebhooks;
using Serilog.Core;

namespace RetirementBridge.Tests.Infrastructure;

/// <summary>
/// The real bridge (the same composition root as Program.cs) on Kestrel at 127.0.0.1, with its own SQLite file.
/// Disposing it stops the bridge and fails the test if any log line holds a test learner's email or username.
/// </summary>
public sealed class TestBridge : IAsyncDisposable
{
    public static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("test-secret-key-0123456789abcdef"));
    public static readonly string OtherSecret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("another-secret-key-fedcba987654"));
    public const string AdminToken = "test-admin-token-0123456789";

    private readonly WebApplication _app;
    private readonly List<TestLearner> _learners = [];
    private readonly bool _ownsDirectory;

    private TestBridge(WebApplication app, string directory, bool ownsDirectory, LogCapture logs)
    {
        _app = app;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        Logs = logs;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
        Admin = new HttpClient { BaseAddress = new Uri(address) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "bridge.db");

    public LogCapture Logs { get; }

    /// <summary>No credentials: for the webhook endpoint and for admin calls that must be refused.</summary>
    public HttpClient Client { get; }

    /// <summary>Carries the admin bearer token.</summary>
    public HttpClient Admin { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Settings every test bridge has: a secret, an admin token, its own database, fast retries.</summary>
    public static Dictionary<string, string?> BaseSettings(string directory) => new()
    {
        ["Webhook:Secrets:0"] = Secret,
        ["Admin:Tokens:0"] = AdminToken,
        ["Store:Sqlite:Path"] = Path.Combine(directory, "bridge.db"),
        ["Dispatch:FirstRetryDelay"] = "00:00:00.200",
        ["Dispatch:Jitter"] = "0",
    };

    /// <param name="directory">Reuse a stopped bridge's folder (and so its database) to model a restart.</param>
    /// <param name="arguments">Command-line settings, for what is read before the in-memory settings apply (SettingsFile).</param>
    public static async Task<TestBridge> StartAsync(IDictionary<string, string?>? settings = null, string? directory = null, params string[] arguments)
    {
        var ownsDirectory = directory is null;
        directory ??= TestPaths.NewTempDirectory();
        var builder = BridgeHost.CreateBuilder(["--urls=http://127.0.0.1:0", $"--contentRoot={directory}", .. arguments]);
        var merged = BaseSettings(directory);
        // A null value removes a base setting (e.g. to run without a webhook secret).
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
                merged.Remove(key);
            else
                merged[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(merged);
        var logs = new LogCapture();
        builder.Services.AddSingleton<ILogEventSink>(logs);
        var app = BridgeHost.Build(builder);
        await app.StartAsync();
        return new TestBridge(app, directory, ownsDirectory, logs);
    }

    /// <summary>Registers a learner for the log scan at disposal.</summary>
    public TestLearner Track(TestLearner learner)
    {
        lock (_learners)
            _learners.Add(learner);
        return learner;
    }

    public TestLearner NewLearner() => Track(TestLearner.Create());

    /// <summary>POSTs a body signed with <paramref name="secret"/> (default: the bridge's), as the LMS plugin would.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string body, string? id = null, long? timestamp = null, string? secret = null, string contentType = "application/json") =>
        Client.SendAsync(SignedRequest(body, id, timestamp, secret, contentType));

    /// <summary>A notification request signed as the LMS plugin signs it (for any bridge, in-process or not).</summary>
    public static HttpRequestMessage SignedRequest(string body, string? id = null, long? timestamp = null, string? secret = null, string contentType = "application/json")
    {
        id ??= $"msg_{Guid.NewGuid():N}";
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(WebhookSecret.Parse(secret ?? Secret), id, ts, Encoding.UTF8.GetBytes(body));
        return Request(body, id, ts.ToString(), signature, contentType);
    }

    public Task<HttpResponseMessage> PostAsync(string body, string? id, string? timestamp, string? signature, string contentType = "application/json") =>
        Client.SendAsync(Request(body, id, timestamp, signature, contentType));

    private static HttpRequestMessage Request(string body, string? id, string? timestamp, string? signature, string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/user-retired")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (id is not null) request.Headers.Add(WebhookHeaders.Id, id);
        if (timestamp is not null) request.Headers.Add(WebhookHeaders.Timestamp, timestamp);
        if (signature is not null) request.Headers.Add(WebhookHeaders.Signature, signature);
        return request;
    }

    /// <summary>Sends the learner's notification and returns the retirement id from the 202.</summary>
    public async Task<string> RetireAsync(TestLearner learner, string? webhookId = null)
    {
        Track(learner);
        using var response = await PostSignedAsync(learner.Notification().ToJsonString(), webhookId);
        var text = await response.Content.ReadAsStringAsync();
        // The bridge's own account of a refusal (e.g. which store error) is in its log; the log holds no identity.
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted,
            $"expected 202, got {(int)response.StatusCode}: {text}\nlast log lines:\n{string.Join("\n", Logs.Lines.TakeLast(5))}");
        return JsonNode.Parse(text)!["retirement_id"]!.GetValue<string>();
    }

    public async Task<JsonNode> GetRetirementAsync(string retirementId)
    {
        using var response = await Admin.GetAsync($"/v1/retirements/{retirementId}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public static JsonNode Delivery(JsonNode retirement, string deleter) =>
        retirement["deliveries"]!.AsArray().Single(d => d!["deleter"]!.GetValue<string>() == deleter)!;

    /// <summary>Polls the admin API until <paramref name="deleter"/>'s delivery has <paramref name="status"/>.</summary>
    public async Task<JsonNode> WaitForDeliveryAsync(string retirementId, string deleter, string status, TimeSpan? limit = null)
    {
        var retirement = await Eventually.GetAsync(
            () => GetRetirementAsync(retirementId),
            r => Delivery(r, deleter)["status"]!.GetValue<string>() == status,
            $"{deleter} delivery of {retirementId} to be {status}", limit);
        return Delivery(retirement, deleter);
    }

    /// <summary>Reads the bridge's SQLite file directly, as an operator with sqlite3 would.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        AssertNoPiiIn(Logs.All, "the bridge's logs");
        if (_ownsDirectory)
        {
            try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Fails when any tracked learner's identity appears in <paramref name="text"/>.</summary>
    public void AssertNoPiiIn(string text, string where)
    {
        List<TestLearner> learners;
        lock (_learners)
            learners = [.. _learners];
        foreach (var form in learners.SelectMany(l => l.PiiForms()))
            Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"{where} contain a learner's identity");
    }
}
