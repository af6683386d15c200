// The value types etcd's flags take; each parses the way Go's flag package does, so a value
// etcd accepts is accepted here and a value etcd rejects is rejected with the same wording.
namespace FastKv.Server.Config;

public enum FlagKind
{
    String,
    Bool,
    Int,
    UInt,
    Duration,
    Urls,
}
