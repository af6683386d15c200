// A broken invariant or a liveness timeout in a simulated run.
namespace FastKv.Raft.Tests.Simulation;

public sealed class SimulationFailure(string message) : Exception(message);
