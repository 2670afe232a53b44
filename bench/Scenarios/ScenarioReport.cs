using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scenarios;

/// <summary>
/// What a scenario measured: tables of figures and its targets. Printed as markdown, and written as JSON in the
/// shape bench/render_benchmarks.py turns into BENCHMARKS.md.
/// </summary>
internal sealed class ScenarioReport(ScenarioOptions options, string title)
{
    private readonly List<Table> _tables = [];
    private readonly List<Target> _targets = [];

    public void AddTable(string caption, string[] columns, IEnumerable<string[]> rows) => _tables.Add(new Table(caption, columns, [.. rows]));

    public void AddTarget(string name, string target, string measured, bool? met, string? note = null) =>
        _targets.Add(new Target(name, target, measured, met, note));

    public void Print()
    {
        Console.WriteLine($"## {title} ({options.StoreName}{(options.Smoke ? ", smoke" : "")})");
        foreach (var table in _tables)
        {
            Console.WriteLine();
            Console.WriteLine(table.Caption);
            Console.WriteLine();
            Console.WriteLine($"| {string.Join(" | ", table.Columns)} |");
            Console.WriteLine($"|{string.Concat(table.Columns.Select(_ => " --- |"))}");
            foreach (var row in table.Rows)
                Console.WriteLine($"| {string.Join(" | ", row)} |");
        }
        Console.WriteLine();
        foreach (var target in _targets)
        {
            var verdict = target.Met switch { true => "met", false => "NOT MET", null => "reported" };
            Console.WriteLine($"target {target.Name}: {target.Goal}; measured {target.Measured} ({verdict}){(target.Note is null ? "" : $": {target.Note}")}");
        }
    }

    public void WriteJson(string path)
    {
        var document = new
        {
            scenario = options.Scenario,
            title,
            command = options.Command,
            store = options.StoreName,
            smoke = options.Smoke,
            machine = new { cores = Environment.ProcessorCount },
            tables = _tables.Select(t => new { caption = t.Caption, columns = t.Columns, rows = t.Rows }),
            targets = _targets.Select(t => new { name = t.Name, target = t.Goal, measured = t.Measured, met = t.Met, note = t.Note }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never }) + "\n");
    }

    /// <summary>Invariant-culture formatting for table cells.</summary>
    public static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Ms(double milliseconds) => F(milliseconds, "0.0");

    private sealed record Table(string Caption, string[] Columns, string[][] Rows);

    private sealed record Target(string Name, string Goal, string Measured, bool? Met, string? Note);
}
