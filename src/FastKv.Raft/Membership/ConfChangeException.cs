// A configuration change that cannot be applied to the current configuration.
namespace FastKv.Raft;

public sealed class ConfChangeException(string message) : InvalidOperationException(message);
