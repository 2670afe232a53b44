namespace RetirementBridge.Hosting;

/// <summary>The configuration cannot work. The message is one line, names the key, and never shows a secret.</summary>
public sealed class BridgeConfigurationException(string message) : Exception(message);
