using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;
using RetirementBridge.Storage.Postgres;
using RetirementBridge.Storage.Sqlite;
using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>
/// The bridge process killed with SIGKILL at the worst moments, then started again on the same SQLite file:
/// what was acknowledged is delivered, once. And the start-up failures an operator sees as one line.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly WireMockServer _provider = Start();
    private readonly string _directory = TestPaths.NewTempDirectory();

    public void Dispose()
    {
        _provider.Stop();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private Dictionary<string, string?> Settings(bool dispatch) => Merge(TestBridge.BaseSettings(_directory), Webhook(_provider),
        new Dictionary<string, string?> { ["Dispatch:Enabled"] = dispatch ? "true" : "false" });

    [Fact]
    public async Task Killed_after_the_ack_and_before_delivery_it_delivers_once_after_restart()
    {
        _provider.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        var learner = TestLearner.Create();
        string retirementId;

        // First life: accepts, then dies before any delivery (dispatch is off, so none can have started).
        await using (var first = await BridgeProcess.StartAsync(_directory, Settings(dispatch: false)))
        {
            retirementId = await RetireAsync(first, learner);
            await first.KillAsync();
            AssertNoPii(first.Output, learner);
        }
        Assert.Empty(_provider.LogEntries);

        await using var second = await BridgeProcess.StartAsync(_directory, Settings(dispatch: true));
        await WaitForWebhookDeliveryAsync(second, retirementId, "succeeded");
        Assert.Single(Received(_provider, "/hooks/erase"));
        AssertNoPii(second.Output, learner);
    }

    [Fact]
    public async Task Killed_during_an_attempt_the_attempt_runs_again_at_once_after_restart()
    {
        // The provider holds the first request long enough for the bridge to be killed mid-attempt.
        _provider.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(30)));
        var learner = TestLearner.Create();
        var settings = Settings(dispatch: true);
        settings["Deleters:Webhook:Timeout"] = "00:01:00";

        string retirementId;
        await using (var first = await BridgeProcess.StartAsync(_directory, settings))
        {
            retirementId = await RetireAsync(first, learner);
            await WaitForWebhookDeliveryAsync(first, retirementId, "in_progress");
            await first.KillAsync();
        }
        _provider.Reset();
        _provider.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));

        // Its lease would last a minute and more; the restarted bridge takes the work back at once instead.
        await using var second = await BridgeProcess.StartAsync(_directory, settings);
        var delivery = await WaitForWebhookDeliveryAsync(second, retirementId, "succeeded", TimeSpan.FromSeconds(40));
        Assert.Equal(1, delivery["attempts"]!.GetValue<int>());
        AssertNoPii(second.Output, learner);
    }

    [Fact]
    public async Task A_second_bridge_on_the_same_database_file_refuses_to_start_with_one_line()
    {
        await using var first = await BridgeProcess.StartAsync(_directory, Settings(dispatch: false));
        Assert.NotNull(first.BaseAddress);
        await using var second = await BridgeProcess.StartAsync(_directory, Settings(dispatch: false));
        Assert.Null(second.BaseAddress);
        Assert.Equal(74, second.ExitCode);
        Assert.Contains("RetirementBridge: cannot open the store: Store:Sqlite:Path is in use by another RetirementBridge process", second.Output);
    }

    [Fact]
    public async Task A_database_path_that_cannot_be_created_stops_start_up_with_one_line()
    {
        var blocker = Path.Combine(_directory, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");
        var settings = Settings(dispatch: false);
        settings["Store:Sqlite:Path"] = Path.Combine(blocker, "bridge.db");
        await using var bridge = await BridgeProcess.StartAsync(_directory, settings);
        Assert.Equal(74, bridge.ExitCode);
        Assert.Contains("RetirementBridge: cannot open the store: cannot create the folder of Store:Sqlite:Path", bridge.Output);
    }

    [Fact]
    public async Task A_database_from_a_newer_bridge_is_refused_with_one_line_and_left_as_it_is()
    {
        var path = Path.Combine(_directory, "bridge.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE from_the_future (x INTEGER); PRAGMA user_version = 99;";
            await command.ExecuteNonQueryAsync();
        }
        await using var bridge = await BridgeProcess.StartAsync(_directory, Settings(dispatch: false));
        Assert.Equal(74, bridge.ExitCode);
        Assert.StartsWith($"RetirementBridge: cannot open the store: the SQLite schema is version 99, newer than this bridge knows ({SqliteSchema.Migrations.Length})", OneLine(bridge));

        await using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await check.OpenAsync();
        await using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        Assert.Equal(99L, await version.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_PostgreSQL_database_from_a_newer_bridge_is_refused_with_one_line_and_left_as_it_is()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using (var dataSource = NpgsqlDataSource.Create(database))
        {
            await new PostgresRetirementStore(dataSource).MigrateAsync(applyMigrations: true, CancellationToken.None);
            await using var newer = dataSource.CreateCommand("UPDATE schema_version SET version = 99;");
            await newer.ExecuteNonQueryAsync();
        }
        var settings = Settings(dispatch: false);
        settings["Store:Provider"] = "Postgres";
        settings["Store:Postgres:ConnectionString"] = database;

        await using var bridge = await BridgeProcess.StartAsync(_directory, settings);

        Assert.Equal(74, bridge.ExitCode);
        Assert.StartsWith($"RetirementBridge: cannot open the store: the PostgreSQL schema is version 99, newer than this bridge knows ({PostgresSchema.Migrations.Length})", OneLine(bridge));
        await using var check = NpgsqlDataSource.Create(database);
        await using var version = check.CreateCommand("SELECT version FROM schema_version;");
        Assert.Equal(99, await version.ExecuteScalarAsync());
    }

    /// <summary>The one line a refused start-up prints besides its JSON log lines.</summary>
    private static string OneLine(BridgeProcess bridge) =>
        Assert.Single(bridge.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => !line.StartsWith('{'));

    [Fact]
    public async Task A_missing_TLS_certificate_stops_start_up_with_one_line()
    {
        var settings = Settings(dispatch: false);
        settings["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0";
        settings["Kestrel:Endpoints:Https:Certificate:Path"] = Path.Combine(_directory, "missing", "fullchain.pem");
        settings["Kestrel:Endpoints:Https:Certificate:KeyPath"] = Path.Combine(_directory, "missing", "privkey.pem");
        await using var bridge = await BridgeProcess.StartAsync(_directory, settings);
        Assert.Equal(78, bridge.ExitCode);
        var errors = bridge.Output.Split('\n').Where(line => line.StartsWith("RetirementBridge: ")).ToList();
        Assert.StartsWith("RetirementBridge: cannot start listening: ", Assert.Single(errors));
        Assert.Contains("fullchain.pem", errors[0]);
        // Beside the JSON log lines, only that one line: no stack trace dumped on standard error.
        Assert.Equal(errors, bridge.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => !line.StartsWith('{')));
    }

    [Theory]
    [InlineData("SettingsFile", "/nonexistent/retirement-bridge/settings.json", "SettingsFile names no readable file", false)]
    [InlineData("Retention:FinishedRetirements", "-1.00:00:00", "Retention:FinishedRetirements must be positive", false)]
    [InlineData("Deleters:Mailchimp:Enabled", "true", "Deleters:Mailchimp: ApiKey is required", false)]
    [InlineData("Webhook:Secrets:0", "not-a-secret", "Webhook:Secrets:0 does not start with whsec_", true)]
    [InlineData("Admin:Tokens:0", "tiny-token", "Admin:Tokens:0 must be at least 16 characters", true)]
    [InlineData("Dispatch:FirstRetryDelay", "soon", "Dispatch:FirstRetryDelay is not a valid time span", true)]
    [InlineData("Deleters:Braze:BaseUrl", "https://user:s3cr3t@[bad", "Deleters:Braze:BaseUrl is not a valid absolute URL", true)]
    public async Task A_misconfiguration_stops_start_up_with_one_clear_line(string key, string value, string message, bool isSecret)
    {
        var settings = Settings(dispatch: false);
        settings[key] = value;
        await using var bridge = await BridgeProcess.StartAsync(_directory, settings);
        Assert.Null(bridge.BaseAddress);
        Assert.Equal(78, bridge.ExitCode);
        var line = Assert.Single(bridge.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("RetirementBridge: configuration error: ", line);
        Assert.Contains(message, line);
        if (isSecret)
            Assert.DoesNotContain(value, line);
    }

    private static async Task<string> RetireAsync(BridgeProcess bridge, TestLearner learner)
    {
        using var client = new HttpClient { BaseAddress = bridge.BaseAddress };
        using var request = TestBridge.SignedRequest(learner.Notification().ToJsonString());
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["retirement_id"]!.GetValue<string>();
    }

    private static async Task<JsonNode> WaitForWebhookDeliveryAsync(BridgeProcess bridge, string retirementId, string status, TimeSpan? limit = null)
    {
        using var admin = new HttpClient { BaseAddress = bridge.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestBridge.AdminToken);
        var retirement = await Eventually.GetAsync(
            async () => JsonNode.Parse(await admin.GetStringAsync($"/v1/retirements/{retirementId}"))!,
            r => TestBridge.Delivery(r, "webhook")["status"]!.GetValue<string>() == status,
            $"the webhook delivery to be {status}", limit);
        return TestBridge.Delivery(retirement, "webhook");
    }

    private static void AssertNoPii(string output, TestLearner learner)
    {
        foreach (var form in learner.PiiForms())
            Assert.False(output.Contains(form, StringComparison.OrdinalIgnoreCase), "the bridge process's output contains the learner's identity");
    }
}
