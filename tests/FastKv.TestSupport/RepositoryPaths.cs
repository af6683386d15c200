// Where the repository and the shared fixtures are, found from the test binaries' location:
// the folder holding FastKv.sln, and ../shared/fixtures beside it.
namespace FastKv.TestSupport;

public static class RepositoryPaths
{
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "FastKv.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("FastKv.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Fixtures() => System.IO.Path.GetFullPath(System.IO.Path.Combine(Root(), "..", "shared", "fixtures"));

    /// <summary>The output folder of another project of the solution, built in the same configuration as <paramref name="testProject"/>.</summary>
    public static string BuiltOutput(string testProject, string project)
    {
        var root = Root();
        var relative = System.IO.Path.GetRelativePath(System.IO.Path.Combine(root, testProject), AppContext.BaseDirectory);
        return System.IO.Path.Combine(root, project, relative);
    }
}
