// The result of checking a page file: the problems, the metas, and what each page is used for.
namespace FastKv.Bolt.Check;

public sealed class CheckReport
{
    public required string? Path { get; init; }
    public required long FileLength { get; init; }
    public required uint PageSize { get; init; }
    public required ulong PageCount { get; init; }
    public required bool HasSnapshotTrailer { get; init; }
    /// <summary>Whether the etcd snapshot trailer matched the SHA-256 of the pages; null when there is no trailer.</summary>
    public required bool? SnapshotHashMatches { get; init; }
    public required MetaSlot? Meta0 { get; init; }
    public required MetaSlot? Meta1 { get; init; }
    public required MetaSlot? Chosen { get; init; }
    public required bool FreelistPersisted { get; init; }

    /// <summary>The problems kept for display (at most a few hundred per rule; see <see cref="ProblemCountByRule"/>).</summary>
    public required IReadOnlyList<CheckProblem> Problems { get; init; }
    public required IReadOnlyDictionary<string, long> ProblemCountByRule { get; init; }
    public required long ProblemCount { get; init; }

    /// <summary>Use of each whole page in the file, by page id.</summary>
    public required IReadOnlyList<PageUse> Pages { get; init; }
    public required long Buckets { get; init; }
    public required long Keys { get; init; }

    public bool IsClean => ProblemCount == 0;
    public long OmittedProblems => ProblemCount - Problems.Count;

    public long CountPages(PageUse use) => Pages.LongCount(p => p == use);
}
