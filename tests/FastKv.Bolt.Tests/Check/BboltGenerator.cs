// Files written by the reference bbolt, through bboltgen (Check/bboltgen/main.go), for the checker
// to accept.
using FastKv.Bolt.Tests.Compat;

namespace FastKv.Bolt.Tests.Check;

internal static class BboltGenerator
{
    private static readonly Lazy<string> Binary = new(() => GoProgram.Build(Path.Combine("Check", "bboltgen", "main.go"), "bboltgen"));

    public static string Write(string file, int seed, bool persistFreelist)
    {
        var (code, output) = GoProgram.Run(Binary.Value, [file, seed.ToString(), persistFreelist ? "persist" : "nofreelistsync"]);
        if (code != 0 || output != "ok") throw new InvalidOperationException($"bboltgen failed ({code}): {output}");
        return file;
    }
}
