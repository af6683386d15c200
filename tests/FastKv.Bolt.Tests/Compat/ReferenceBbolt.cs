// The reference bbolt, through bboltref (Compat/bboltref/main.go): tests ask it whether a file is
// valid ("check") or have it write one ("write").
namespace FastKv.Bolt.Tests.Compat;

public static class ReferenceBbolt
{
    private static readonly Lazy<string> Binary = new(() => GoProgram.Build(Path.Combine("Compat", "bboltref", "main.go"), "bboltref"));

    /// <summary>Runs bboltref; returns its exit code and output.</summary>
    public static (int Code, string Output) Invoke(string verb, string file) => GoProgram.Run(Binary.Value, [verb, file]);
}
