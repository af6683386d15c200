// Where the built server is, for the tests that start it as a process.
namespace FastKv.Server.Tests.Support;

internal static class TestPaths
{
    /// <summary>fastkv.dll as built beside these tests (same configuration).</summary>
    public static string ServerDll()
    {
        var path = Path.Combine(RepositoryPaths.BuiltOutput(Path.Combine("tests", "FastKv.Server.Tests"), Path.Combine("src", "FastKv.Server")), "fastkv.dll");
        Assert.True(File.Exists(path), $"fastkv not built at {path}");
        return path;
    }
}
