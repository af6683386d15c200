// Checks a bolt page file. Works on the raw bytes (a file the database cannot open, or the map of
// an open one) so the same rules apply to both: a usable meta, the high-water mark inside the file,
// every page in [2, high-water) reachable exactly once or free and never both, valid page headers
// and element bounds, keys ordered in each page and across siblings, a sane freelist.
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Check;

public static class BoltChecker
{
    /// <summary>Checks the file at <paramref name="path"/> without opening it as a database.</summary>
    public static CheckReport CheckFile(string path)
    {
        using var file = RawPageFile.Open(path);
        return Check(file);
    }

    /// <summary>Checks a file using the meta a reader would choose, and the freelist that meta names.</summary>
    public static CheckReport Check(RawPageFile file)
    {
        var log = new ProblemLog();
        foreach (var problem in file.OpenProblems)
            log.Add(problem);
        bool? hashMatches = null;
        if (file.HasSnapshotTrailer)
        {
            hashMatches = SnapshotTrailer.Matches(file);
            if (hashMatches == false)
                log.Add(null, CheckRules.SnapshotHashMismatch,
                    "the file ends with an etcd snapshot SHA-256 that does not match its pages: the snapshot was changed or damaged after it was saved");
        }
        if (file.Chosen == null || file.PageCount < 2)
            return Report(file, log, hashMatches, null, null, new CountingVisitor(), freelistPersisted: false);
        // The fallback meta matters too: a reader whose newest meta breaks falls back to it.
        foreach (var slot in new[] { file.Meta0, file.Meta1 })
            if (slot is { IsValid: true } && slot != file.Chosen)
                ReportHighWater(file, slot.Meta, (ulong)slot.Index, log);
        ReportHighWater(file, file.Chosen.Meta, (ulong)file.Chosen.Index, log);
        return CheckTree(file, file.Chosen.Meta, explicitFreeIds: null, log, hashMatches);
    }

    private static void ReportHighWater(RawPageFile file, in Meta meta, ulong metaPage, ProblemLog log)
    {
        if (meta.Pgid > file.PageCount)
            log.Add(metaPage, CheckRules.HighWaterBeyondEof,
                $"meta {metaPage} (txid {meta.Txid}) says the file uses {meta.Pgid} pages ({meta.Pgid * (ulong)file.PageSize} bytes), but the file holds only {file.PageCount} pages ({file.DataLength} bytes): the high-water mark lies past the end of the file (truncated file or damaged meta)");
    }

    /// <summary>
    /// Checks the tree of <paramref name="meta"/> in <paramref name="file"/>. An open database passes its
    /// in-memory free ids (free and pending) as <paramref name="explicitFreeIds"/>, which then stand in for the
    /// freelist page; null reads the page the meta names, or treats unreachable pages as free when it names none.
    /// </summary>
    public static CheckReport Check(RawPageFile file, in Meta meta, IReadOnlyCollection<ulong>? explicitFreeIds)
    {
        var log = new ProblemLog();
        ReportHighWater(file, meta, meta.Txid % 2, log);
        return CheckTree(file, meta, explicitFreeIds, log, null);
    }

    private static CheckReport CheckTree(RawPageFile file, Meta meta, IReadOnlyCollection<ulong>? explicitFreeIds, ProblemLog log, bool? hashMatches)
    {
        var refs = new PageReferences(file.PageCount);
        var counter = new CountingVisitor();
        try
        {
            new TreeWalker(file, meta.Pgid, refs, log, counter).WalkRoot(meta.Root.Root);

            bool persisted = explicitFreeIds != null || meta.Freelist != Meta.NoFreelist;
            ulong[]? ids = explicitFreeIds?.ToArray();
            if (ids == null && meta.Freelist != Meta.NoFreelist)
                ids = FreelistCheck.ReadPage(file, meta, refs, log);
            bool[] free = ids == null
                ? new bool[file.PageCount]
                : FreelistCheck.CheckIds(ids, meta.Pgid, file.PageCount, refs, log, explicitFreeIds == null ? meta.Freelist : null);
            var uses = ClassifyPages(file, meta, refs, free, persisted, log);
            return Report(file, log, hashMatches, meta, uses, counter, persisted);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or OverflowException or InvalidOperationException)
        {
            // Every read is bounds-checked first; reaching here is a checker bug, reported rather than crashing the caller.
            log.Add(null, CheckRules.InternalError, $"the checker failed on this file ({e.GetType().Name}: {e.Message}); please report it");
            return Report(file, log, hashMatches, meta, null, counter, meta.Freelist != Meta.NoFreelist);
        }
    }

    private static PageUse[] ClassifyPages(RawPageFile file, in Meta meta, PageReferences refs, bool[] free, bool persisted, ProblemLog log)
    {
        var uses = new PageUse[file.PageCount];
        for (ulong p = 0; p < file.PageCount; p++)
        {
            var by = refs[p];
            if (p < 2) uses[p] = PageUse.Meta;
            else if (by.Kind == ReferrerKind.OverflowOf) uses[p] = PageUse.Overflow;
            else if (by.Kind == ReferrerKind.MetaFreelist) uses[p] = PageUse.Freelist;
            else if (by.IsSet) uses[p] = file.HeaderOf(p)!.Value.Flags == PageFlags.Branch ? PageUse.Branch : PageUse.Leaf;
            else if (free[p] || (!persisted && p < meta.Pgid)) uses[p] = PageUse.Free;
            else if (p >= meta.Pgid) uses[p] = PageUse.BeyondHighWater;
            else
            {
                uses[p] = PageUse.Unreachable;
                log.Add(p, CheckRules.UnreachablePage, $"page {p} is neither reachable from the root nor in the freelist (bbolt: unreachable unfreed)");
            }
        }
        return uses;
    }

    private static CheckReport Report(RawPageFile file, ProblemLog log, bool? hashMatches, Meta? meta, PageUse[]? uses, CountingVisitor counter, bool freelistPersisted) => new()
    {
        Path = file.Path,
        FileLength = file.FileLength,
        PageSize = file.PageSize,
        PageCount = file.PageCount,
        HasSnapshotTrailer = file.HasSnapshotTrailer,
        SnapshotHashMatches = hashMatches,
        Meta0 = file.Meta0,
        Meta1 = file.Meta1,
        Chosen = file.Chosen,
        FreelistPersisted = freelistPersisted,
        Problems = log.Kept.ToArray(),
        ProblemCountByRule = new Dictionary<string, long>(log.CountByRule),
        ProblemCount = log.Total,
        Pages = uses ?? Array.Empty<PageUse>(),
        Buckets = counter.Buckets,
        Keys = counter.Keys,
    };
}
