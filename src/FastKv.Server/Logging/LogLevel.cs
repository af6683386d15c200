// zap's levels, in the order etcd's --log-level accepts them.
namespace FastKv.Server.Logging;

public enum LogLevel
{
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}
