// Every read-only db command on damaged input ends with exit 0 or 1 and a message, never an
// unhandled exception: a heavily fuzzed snapshot, random bytes, and a file that is only a header.
using FastKv.Bolt.Check;
using FastKv.Bolt.Tests.Check;

namespace FastKv.Bolt.Tests.Tool;

public class DbToolGarbageTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string FuzzedSnapshot()
    {
        var random = new Random(23);
        var surgery = new FileSurgery(File.ReadAllBytes(ToolFixtures.Snapshot)[..^RawPageFile.SnapshotTrailerLength]);
        for (int i = 0; i < 300; i++)
        {
            int page = random.Next(2, surgery.Bytes.Length / 4096);
            surgery.Bytes[page * 4096 + random.Next(16 + 16 * 30)] ^= (byte)random.Next(1, 256);
        }
        string path = _dir.File("fuzzed.db");
        surgery.Save(path);
        return path;
    }

    private string RandomBytes()
    {
        var bytes = new byte[5 * 4096 + 100];
        new Random(29).NextBytes(bytes);
        string path = _dir.File("random.db");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertHandled(ToolResult r, string what)
    {
        Assert.True(r.ExitCode is 0 or 1, $"{what}: exit {r.ExitCode}\n{r.All}");
        Assert.DoesNotContain("Unhandled exception", r.All);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain(CheckRules.InternalError, r.Stdout);
    }

    [Fact]
    public void ReadCommandsHandleDamagedFiles()
    {
        foreach (string file in new[] { FuzzedSnapshot(), RandomBytes() })
        {
            foreach (string command in new[] { "check", "info", "stats", "pages", "dump" })
                AssertHandled(ToolProcess.Run("db", command, file), $"{command} {file}");
            foreach (string page in new[] { "0", "3", "34", "36" })
            {
                var r = ToolProcess.Run("db", "page", file, page);
                Assert.True(r.ExitCode is 0 or 1 or 2, $"page {page} {file}: exit {r.ExitCode}\n{r.All}");
                Assert.DoesNotContain("Unhandled exception", r.All);
            }
        }
        var fuzzedCheck = ToolProcess.Run("db", "check", _dir.File("fuzzed.db"));
        Assert.Equal(1, fuzzedCheck.ExitCode);
        Assert.Contains("DAMAGED:", fuzzedCheck.Stdout);
    }

    [Fact]
    public void RepairOfHeavilyFuzzedFileWritesACleanCopyOrSaysWhyNot()
    {
        string fuzzed = FuzzedSnapshot();
        var repair = ToolProcess.Run("db", "repair", fuzzed, "--output", _dir.File("fuzzed.repaired.db"));
        AssertHandled(repair, "repair");
        var random = ToolProcess.Run("db", "repair", RandomBytes(), "--output", _dir.File("random.repaired.db"));
        Assert.Equal(1, random.ExitCode);
        Assert.Contains("no valid meta page", random.All);
        Assert.False(File.Exists(_dir.File("random.repaired.db")));
    }
}
