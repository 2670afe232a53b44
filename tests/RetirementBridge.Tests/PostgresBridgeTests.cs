using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>The whole bridge on PostgreSQL (Store:Provider=Postgres): what it acknowledges is in the database, it
/// delivers from there, and it rides out the database going away and coming back without a restart.</summary>
public sealed class PostgresBridgeTests : IDisposable
{
    // The test server trusts every local connection, so any password is accepted; this one must never be shown.
    private const string Password = "pg-bridge-s3cret";
    private readonly WireMockServer _webhook = Start();

    public void Dispose() => _webhook.Stop();

    private Dictionary<string, string?> Settings(string connectionString) => Merge(Webhook(_webhook), new Dictionary<string, string?>
    {
        ["Store:Provider"] = "Postgres",
        ["Store:Postgres:ConnectionString"] = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true, Password = Password }.ToString(),
    });

    [Fact]
    public async Task A_notification_is_in_PostgreSQL_before_the_202_and_its_deleter_is_called_from_there()
    {
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var bridge = await TestBridge.StartAsync(Settings(database));
        var learner = bridge.NewLearner();

        var retirementId = await bridge.RetireAsync(learner);

        // Read at once, from another connection: the commit landed before the 202 was sent.
        Assert.Equal(1L, await ScalarAsync(database, $"SELECT COUNT(*) FROM retirements WHERE id = '{retirementId}' AND lms_user_id = {learner.LmsUserId}"));
        Assert.Equal("webhook", await ScalarAsync(database, $"SELECT deleter FROM deliveries WHERE retirement_id = '{retirementId}'"));

        await bridge.WaitForDeliveryAsync(retirementId, "webhook", "succeeded");
        var received = Assert.Single(Received(_webhook, "/hooks/erase"));
        Assert.Contains(learner.Email, received.RequestMessage.Body);
        var retirement = await Eventually.GetAsync(() => bridge.GetRetirementAsync(retirementId),
            r => r["personal_data_erased"]!.GetValue<bool>(), "the retirement to be complete");
        bridge.AssertNoPiiIn(retirement.ToJsonString(), "the admin API");
        Assert.Equal(0L, await ScalarAsync(database, "SELECT COUNT(*) FROM retirements WHERE email IS NOT NULL OR username IS NOT NULL"));
    }

    [Fact]
    public async Task While_PostgreSQL_is_down_notifications_get_503_and_once_it_is_back_they_are_accepted_without_a_restart()
    {
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        await using var server = await PostgresServer.StartOwnClusterAsync();
        await using var bridge = await TestBridge.StartAsync(Settings(await server.CreateDatabaseAsync()));
        await bridge.RetireAsync(bridge.NewLearner());

        await server.StopAsync();
        using (var refused = await bridge.PostSignedAsync(bridge.NewLearner().Notification().ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
            Assert.Equal(503, problem["status"]!.GetValue<int>());
            Assert.Equal("Could not record the notification", problem["title"]!.GetValue<string>());
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        using (var ready = await bridge.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var reason = await ready.Content.ReadAsStringAsync();
            Assert.StartsWith("Unhealthy: store unavailable: cannot get a PostgreSQL connection (", reason);
            Assert.DoesNotContain(Password, reason);
        }

        await server.StartAsync();
        await Eventually.GetAsync(async () =>
        {
            using var ready = await bridge.Client.GetAsync("/readyz");
            return ready.StatusCode;
        }, status => status == HttpStatusCode.OK, "/readyz to be healthy again");
        var learner = bridge.NewLearner();
        var retirementId = await bridge.RetireAsync(learner);
        await bridge.WaitForDeliveryAsync(retirementId, "webhook", "succeeded");

        Assert.Contains(bridge.Logs.Lines, line => line.Contains("Could not record a notification, answered 503: cannot get a PostgreSQL connection"));
        Assert.DoesNotContain(Password, bridge.Logs.All);
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
