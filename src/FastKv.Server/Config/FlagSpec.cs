// One server flag: its etcd name, default, kind and help line. The environment variable is
// derived from the name (ETCD_ + upper case, '-' as '_'), as etcd derives it.
namespace FastKv.Server.Config;

public sealed record FlagSpec(string Name, FlagKind Kind, string Default, string Help)
{
    public string EnvironmentVariable => "ETCD_" + Name.ToUpperInvariant().Replace('-', '_');
}
