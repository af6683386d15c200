// Reads and checks the persisted freelist: its page (claimed like any other, overflow included),
// its count (0xFFFF means the count is in the first slot), and its ids (sorted, unique, inside
// [2, high-water), not also reachable). Returns which pages of the file it lists as free.
using System.Runtime.InteropServices;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Check;

internal static class FreelistCheck
{
    /// <summary>Reads the freelist page the meta names; null when it cannot be read (already reported).</summary>
    public static ulong[]? ReadPage(RawPageFile file, in Meta meta, PageReferences refs, ProblemLog log)
    {
        ulong pgid = meta.Freelist;
        if (pgid < 2 || pgid >= meta.Pgid)
            log.Add(pgid, CheckRules.FreelistOutOfRange, $"the meta's freelist page {pgid} lies outside [2, {meta.Pgid}), the pages the meta says are in use");
        if (pgid < 2) return null;
        if (!file.TryGetPage(pgid, out var page, out var header, out var unreadable))
        {
            log.Add(unreadable! with { Message = $"{unreadable.Message}; it is the meta's freelist page" });
            return null;
        }
        if (header.Id != pgid)
            log.Add(pgid, CheckRules.PageIdMismatch, $"freelist page {pgid} has id {header.Id} in its header");
        if (header.Flags != PageFlags.Freelist)
        {
            log.Add(pgid, CheckRules.WrongPageType, $"the meta's freelist is page {pgid}, but that page is {header.TypeName}");
            return null;
        }
        if (!refs.TryClaim(pgid, 1UL + header.Overflow, Referrer.MetaFreelist, out ulong taken, out var takenBy))
            log.Add(taken, CheckRules.MultipleReferences, $"freelist page {pgid} spans page {taken}, which already belongs to {takenBy}");

        long count = header.Count;
        int start = PageHeader.Size;
        if (header.Count == FreelistPage.OverflowCount)
        {
            if (page.Length < start + sizeof(ulong)) return null;
            count = (long)Math.Min(MemoryMarshal.Read<ulong>(page[start..]), long.MaxValue);
            start += sizeof(ulong);
        }
        long room = (page.Length - start) / sizeof(ulong);
        if (count > room)
        {
            log.Add(pgid, CheckRules.ElementOutOfBounds, $"freelist page {pgid} claims {count} ids but only {room} fit in its {page.Length} bytes");
            count = room;
        }
        return MemoryMarshal.Cast<byte, ulong>(page.Slice(start, (int)count * sizeof(ulong))).ToArray();
    }

    /// <summary>Checks the ids and returns, per page of the file, whether the freelist lists it.</summary>
    public static bool[] CheckIds(ReadOnlySpan<ulong> ids, ulong highWater, ulong pageCount, PageReferences refs, ProblemLog log, ulong? freelistPage)
    {
        var free = new bool[pageCount];
        bool unsortedReported = false;
        for (int i = 0; i < ids.Length; i++)
        {
            ulong id = ids[i];
            if (i > 0 && !unsortedReported && id < ids[i - 1])
            {
                unsortedReported = true;
                log.Add(freelistPage, CheckRules.FreelistUnsorted, $"freelist entry {i} (page {id}) is smaller than the entry before it (page {ids[i - 1]})");
            }
            if (id < 2 || id >= highWater)
            {
                log.Add(id, CheckRules.FreelistIdOutOfRange, $"the freelist lists page {id}, outside [2, {highWater})");
                continue;
            }
            if (id >= pageCount) continue; // already reported by the high-water check of the meta
            if (free[id])
            {
                log.Add(id, CheckRules.FreelistDuplicate, $"the freelist lists page {id} more than once");
                continue;
            }
            free[id] = true;
            if (refs[id].IsSet)
                log.Add(id, CheckRules.FreeAndReachable, $"page {id} is in the freelist but also in use, reached from {refs[id]}");
        }
        return free;
    }
}
