using System.Text.RegularExpressions;

namespace RetirementBridge.Deleters;

/// <summary>
/// One line for a value the configuration binder could not convert. The binder's own message quotes the value, and a
/// value can be a secret (a key, a URL with credentials): this names the key and the expected type only.
/// </summary>
public static partial class ConfigurationBinding
{
    public static string Describe(string section, InvalidOperationException error)
    {
        var match = BinderMessage().Match(error.Message);
        return match.Success
            ? $"{match.Groups["key"].Value} is not a valid {Friendly(match.Groups["type"].Value)}"
            : $"{section}: a value cannot be read (check the types of its settings)";
    }

    private static string Friendly(string type) => type switch
    {
        "System.Uri" => "absolute URL",
        "System.TimeSpan" or "System.Nullable`1[System.TimeSpan]" => "time span (e.g. 00:00:30)",
        "System.Int32" or "System.Nullable`1[System.Int32]" => "whole number",
        "System.Boolean" => "true or false",
        _ => type[(type.LastIndexOf('.') + 1)..],
    };

    [GeneratedRegex(@"at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BinderMessage();
}
