using System.Runtime.CompilerServices;

// The HubSpot tests register the deleter directly (AddHubSpotDeleter is internal, like every provider's registration).
// Belongs in RetirementBridge.Deleters.csproj (<InternalsVisibleTo Include="RetirementBridge.Deleters.Tests" />);
// duplicates of this attribute are harmless.
[assembly: InternalsVisibleTo("RetirementBridge.Deleters.Tests")]
