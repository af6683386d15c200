// A command line or environment the server refuses; the message is what the operator sees.
namespace FastKv.Server.Config;

public sealed class FlagParseException(string message) : Exception(message);
