using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests;

/// <summary>contracts/ against the running bridge: the committed OpenAPI document is the served one, every valid
/// example is accepted and every invalid one refused with a 400 naming the field.</summary>
public sealed class ContractTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;

    public async Task InitializeAsync() => _bridge = await TestBridge.StartAsync();

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    private static string Committed => Path.Combine(TestPaths.Contracts, "openapi.json");

    [Fact]
    public async Task The_served_OpenAPI_document_is_the_committed_one()
    {
        var served = JsonNode.Parse(await _bridge.Client.GetStringAsync("/openapi/v1.json"))!;
        if (Environment.GetEnvironmentVariable("UPDATE_CONTRACTS") == "1")
            await File.WriteAllTextAsync(Committed, served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Committed))!;
        // Tags are named in code: left to the default they carry the entry assembly's name ("testhost" under test).
        var tags = committed["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => o.Value!["tags"]![0]!.GetValue<string>()));
        Assert.Equal(["Admin", "Webhooks"], tags.Distinct().Order());
        Assert.True(JsonNode.DeepEquals(committed, served),
            "contracts/openapi.json differs from what the bridge serves. If the API change is intended, regenerate it: " +
            "UPDATE_CONTRACTS=1 dotnet test tests/RetirementBridge.Tests --filter The_served_OpenAPI_document_is_the_committed_one");
    }

    public static TheoryData<string> ValidExamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.Contracts, "examples"), "*.json").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    public static TheoryData<string, string> InvalidExamples()
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Contracts, "examples", "invalid", "index.json")))!;
        var data = new TheoryData<string, string>();
        foreach (var entry in index["cases"]!.AsArray())
            data.Add(entry!["file"]!.GetValue<string>(), entry["pointer"]!.GetValue<string>());
        return data;
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public async Task A_valid_example_is_accepted(string file)
    {
        var body = await File.ReadAllTextAsync(Path.Combine(TestPaths.Contracts, "examples", file));
        using var response = await _bridge.PostSignedAsync(body);
        var expected = JsonNode.Parse(body)!["type"]!.GetValue<string>() == "retirement_bridge.check" ? HttpStatusCode.OK : HttpStatusCode.Accepted;
        Assert.True(expected == response.StatusCode, $"{file}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public async Task An_invalid_example_is_refused_naming_the_field(string file, string pointer)
    {
        var body = await File.ReadAllTextAsync(Path.Combine(TestPaths.Contracts, "examples", "invalid", file));
        using var response = await _bridge.PostSignedAsync(body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{file}: {(int)response.StatusCode} {text}");

        // "/data/email" is reported as "data.email"; "/data" (a missing property) as some "data." field.
        var field = pointer.Trim('/').Replace('/', '.');
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.True(errors.Any(key => key == field || key.StartsWith(field + ".", StringComparison.Ordinal)),
            $"{file}: expected an error for {field}, got {string.Join(", ", errors)}");
        Assert.Equal(0L, await _bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
    }
}
