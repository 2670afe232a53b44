using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using RetirementBridge.Hosting;
using RetirementBridge.StandardWebhooks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

// bench/DrainBenchmark: how fast a backlog of retirements drains to Braze at a provider rate limit, with Braze's
// batch of 50 learners per request against one learner per request. Everything runs on 127.0.0.1 and stops by itself.
//   dotnet run -c Release --project bench/DrainBenchmark -- [--learners 10000] [--rate 10] [--single-learners 200]
//       [--postgres-port PORT]   on PostgreSQL at 127.0.0.1:PORT (user postgres, trust; bench/postgres.sh starts one)
var learners = Arg("--learners", 10_000);
var rate = Arg("--rate", 10);
var singleLearners = Arg("--single-learners", 200);
var postgresPort = Arg("--postgres-port", 0);

Console.WriteLine($"Draining to a Braze fake held to {rate} requests/s (RateLimit), {Environment.ProcessorCount} cores, " +
    (postgresPort > 0 ? $"PostgreSQL on port {postgresPort}" : "SQLite"));
var batched = await DrainAsync(learners, batchSize: 50, rate, postgresPort);
var single = await DrainAsync(singleLearners, batchSize: 1, rate, postgresPort);

Console.WriteLine();
Console.WriteLine("| run | learners | batch | requests | seconds | learners/s | bound (s) | time / bound |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
foreach (var run in new[] { batched, single })
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {run.Name} | {run.Learners} | {run.BatchSize} | {run.Requests} | {run.Seconds:0.00} | {run.Learners / run.Seconds:0.0} | {run.Bound:0.00} | {run.Seconds / run.Bound:0.000} |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"batched drains {batched.Learners / batched.Seconds / (single.Learners / single.Seconds):0.0} times faster than one learner per request at the same rate"));
return 0;

static async Task<Run> DrainAsync(int count, int batchSize, int rate, int postgresPort)
{
    var directory = Directory.CreateTempSubdirectory("rb-drain-").FullName;
    using var braze = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    braze.Given(Request.Create().UsingPost().WithPath("/users/delete"))
        .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
            .WithBody($$"""{"deleted": {{batchSize}}, "message": "success"}"""));
    var secret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("drain-benchmark-secret-0123456789"));
    var settings = new Dictionary<string, string?>
    {
        ["Webhook:Secrets:0"] = secret,
        ["Store:Sqlite:Path"] = Path.Combine(directory, "bridge.db"),
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
        ["Deleters:Braze:Enabled"] = "true",
        ["Deleters:Braze:ApiKey"] = "bench-braze-key-0123456789",
        ["Deleters:Braze:BaseUrl"] = braze.Url,
        ["Deleters:Braze:BatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
        ["Deleters:Braze:RateLimit:Requests"] = rate.ToString(CultureInfo.InvariantCulture),
        ["Deleters:Braze:RateLimit:Per"] = "00:00:01",
    };
    if (postgresPort > 0)
    {
        settings["Store:Provider"] = "Postgres";
        settings["Store:Postgres:ConnectionString"] = await CreateDatabaseAsync(postgresPort);
    }

    // The backlog: accepted by a bridge that does not dispatch, as after an outage or a backfill.
    settings["Dispatch:Enabled"] = "false";
    await using (var intake = await StartAsync(settings, directory))
        await SendAsync(intake.Urls.First(), secret, count);

    settings["Dispatch:Enabled"] = "true";
    var clock = Stopwatch.StartNew();
    await using var bridge = await StartAsync(settings, directory);
    while (await SucceededAsync(settings) < count)
    {
        if (clock.Elapsed > TimeSpan.FromMinutes(10))
            throw new TimeoutException("the backlog did not drain within 10 minutes");
        await Task.Delay(20);
    }
    var seconds = clock.Elapsed.TotalSeconds;
    var requests = braze.LogEntries.Count();
    await bridge.StopAsync();
    Directory.Delete(directory, recursive: true);
    // The bound: every request carries a full batch, and the limiter lets `rate` through each second.
    return new Run(batchSize == 1 ? "one learner per request" : "batched", count, batchSize, requests, seconds,
        (double)count / (batchSize * rate));
}

static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings, string directory)
{
    var builder = BridgeHost.CreateBuilder(["--urls=http://127.0.0.1:0", $"--contentRoot={directory}"]);
    builder.Configuration.AddInMemoryCollection(settings);
    var app = BridgeHost.Build(builder);
    await app.StartAsync();
    return app;
}

static async Task SendAsync(string url, string secret, int count)
{
    using var client = new HttpClient { BaseAddress = new Uri(url) };
    var key = WebhookSecret.Parse(secret);
    await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, ct) =>
    {
        var body = Encoding.UTF8.GetBytes(
            $"{{\"type\":\"user.retire_lms_misc\",\"timestamp\":\"{DateTimeOffset.UtcNow:O}\",\"data\":{{\"lms_user_id\":{n}," +
            $"\"username\":\"bench_learner_{n}\",\"email\":\"bench.learner.{n}@example.invalid\",\"site\":\"bench.example.edu\"}}}}");
        var id = $"msg_drain_{n}";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/user-retired") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookHeaders.Id, id);
        request.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSignature.Sign(key, id, timestamp, body));
        using var response = await client.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"the bridge answered {(int)response.StatusCode} while filling the backlog");
    });
}

static async Task<long> SucceededAsync(Dictionary<string, string?> settings)
{
    const string sql = "SELECT COUNT(*) FROM deliveries WHERE status = 'succeeded';";
    if (settings.GetValueOrDefault("Store:Provider") == "Postgres")
    {
        await using var database = new NpgsqlConnection(settings["Store:Postgres:ConnectionString"]);
        await database.OpenAsync();
        await using var query = new NpgsqlCommand(sql, database);
        return (long)(await query.ExecuteScalarAsync())!;
    }
    await using var connection = new SqliteConnection($"Data Source={settings["Store:Sqlite:Path"]};Mode=ReadOnly;Pooling=False");
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = sql;
    return (long)(await command.ExecuteScalarAsync())!;
}

/// <summary>A fresh database for one run, so runs never see each other's rows.</summary>
static async Task<string> CreateDatabaseAsync(int port)
{
    var name = $"drain_{Guid.NewGuid():N}";
    await using (var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres"))
    {
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
        await create.ExecuteNonQueryAsync();
    }
    return $"Host=127.0.0.1;Port={port};Username=postgres;Database={name}";
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed record Run(string Name, int Learners, int BatchSize, int Requests, double Seconds, double Bound);
