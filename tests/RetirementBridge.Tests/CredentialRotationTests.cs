using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests;

/// <summary>
/// Webhook secrets and admin tokens rotate without a restart: the bridge watches its settings file, takes a change
/// that parses, and keeps what is in force (saying why in one line) when a change does not.
/// </summary>
public sealed class CredentialRotationTests : IAsyncLifetime
{
    private const string FirstToken = "first-admin-token-0123456789";
    private const string SecondToken = "second-admin-token-0123456789";
    private static readonly string FirstSecret = TestBridge.Secret;
    private static readonly string SecondSecret = TestBridge.OtherSecret;

    private readonly string _directory = TestPaths.NewTempDirectory();
    private string SettingsFile => Path.Combine(_directory, "conf", "settings.json");
    private TestBridge _bridge = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SettingsFile)!);
        await WriteSettingsAsync([FirstSecret], [FirstToken]);
        // Nothing from the test's base settings: the secrets and tokens come from the file alone.
        _bridge = await TestBridge.StartAsync(new Dictionary<string, string?> { ["Webhook:Secrets:0"] = null, ["Admin:Tokens:0"] = null },
            _directory, $"--SettingsFile={SettingsFile}");
    }

    public async Task DisposeAsync()
    {
        await _bridge.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>Written aside and renamed over the old file, as editors and configuration tools replace files.</summary>
    private async Task WriteSettingsAsync(string[] secrets, string[] tokens)
    {
        var settings = new JsonObject
        {
            ["Webhook"] = new JsonObject { ["Secrets"] = new JsonArray(secrets.Select(s => (JsonNode)s!).ToArray()) },
            ["Admin"] = new JsonObject { ["Tokens"] = new JsonArray(tokens.Select(t => (JsonNode)t!).ToArray()) },
        };
        var temporary = SettingsFile + ".new";
        await File.WriteAllTextAsync(temporary, settings.ToJsonString());
        File.Move(temporary, SettingsFile, overwrite: true);
    }

    private async Task<HttpStatusCode> CheckWithAsync(string secret)
    {
        var check = new JsonObject
        {
            ["type"] = "retirement_bridge.check",
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["data"] = new JsonObject { ["site"] = "courses.example.edu" },
        }.ToJsonString();
        using var response = await _bridge.PostSignedAsync(check, secret: secret);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> AdminWithAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/deliveries");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _bridge.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static Task<HttpStatusCode> Until(Func<Task<HttpStatusCode>> probe, HttpStatusCode expected, string what) =>
        Eventually.GetAsync(probe, status => status == expected, what);

    [Fact]
    public async Task A_rotation_in_the_settings_file_takes_effect_without_a_restart()
    {
        Assert.Equal(HttpStatusCode.OK, await CheckWithAsync(FirstSecret));
        Assert.Equal(HttpStatusCode.Unauthorized, await CheckWithAsync(SecondSecret));
        Assert.Equal(HttpStatusCode.OK, await AdminWithAsync(FirstToken));

        // Step 1: both secrets and both tokens, while the LMS moves to the new secret.
        await WriteSettingsAsync([FirstSecret, SecondSecret], [FirstToken, SecondToken]);
        await Until(() => CheckWithAsync(SecondSecret), HttpStatusCode.OK, "the new secret to be accepted");
        await Until(() => AdminWithAsync(SecondToken), HttpStatusCode.OK, "the new admin token to be accepted");
        Assert.Equal(HttpStatusCode.OK, await CheckWithAsync(FirstSecret));

        // Step 2: the old ones removed.
        await WriteSettingsAsync([SecondSecret], [SecondToken]);
        await Until(() => CheckWithAsync(FirstSecret), HttpStatusCode.Unauthorized, "the old secret to be refused");
        await Until(() => AdminWithAsync(FirstToken), HttpStatusCode.Unauthorized, "the old admin token to be refused");
        Assert.Equal(HttpStatusCode.OK, await CheckWithAsync(SecondSecret));
        Assert.Contains(_bridge.Logs.Lines, line => line.Contains("Reloaded Webhook:Secrets: 1 in force"));
    }

    [Fact]
    public async Task A_change_that_does_not_parse_keeps_the_secrets_in_force_and_says_why()
    {
        await WriteSettingsAsync(["whsec_not-base64!", FirstSecret], [FirstToken]);
        var refusal = await Eventually.GetAsync(
            () => Task.FromResult(_bridge.Logs.Lines.FirstOrDefault(line => line.Contains("Configuration change refused"))),
            line => line is not null, "the refusal line");

        Assert.Contains("Webhook:Secrets:0 is not whsec_ followed by base64", refusal);
        Assert.Contains("\"@l\":\"Error\"", refusal);
        Assert.DoesNotContain("not-base64", refusal);
        Assert.Equal(HttpStatusCode.OK, await CheckWithAsync(FirstSecret));
        Assert.Equal(HttpStatusCode.OK, await AdminWithAsync(FirstToken));
    }
}
