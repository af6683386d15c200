// The global settings of a run: where to connect and over which transport, how many connections
// and concurrent clients, how many requests, and where progress goes.
namespace FastKv.LoadGen;

public sealed record RunSettings(IReadOnlyList<Uri> Endpoints, int Conns, int Clients, int Total, TextWriter Progress, TransportKind Transport = TransportKind.Auto);
