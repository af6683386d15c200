// One server flag: its etcd name, default, kind and help line. The environment variable is
// derived from the name (ETCD_ + upper case, '-' as '_'), as etcd derives it.
namespace FastKv.Server.Config;

public sealed record FlagSpec(string Name, FlagKind Kind, string Default, string Help)
{
    /// <summary>Only the default is implemented so far; any other value is refused at start-up.</summary>
    public bool UnsupportedBeyondDefault { get; init; }

    public string EnvironmentVariable => "ETCD_" + Name.ToUpperInvariant().Replace('-', '_');
}
