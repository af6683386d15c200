// Defragmentation without stopping the world. etcd copies its file into a new one while every
// read and write waits; here only the last step waits, and only writes do:
//   1. on the writer thread, between batches: start recording every key written;
//   2. in the background: copy a read snapshot into a new compact file (readers and the writer
//      carry on against the old file);
//   3. in the background, a few rounds: take the keys committed since, read their current values
//      and write them (or delete them) in the new file, until few are left;
//   4. on the writer thread (writes wait): commit the batch, replay the last keys, make the new
//      file durable, rename it over the old path (atomic) and swap it in.
// Readers on the old file keep its mapping until they close. Until the rename the old file is the
// database and the new one a temporary; after it the new one is complete: a crash at any point
// leaves one whole database at the path.
using System.Diagnostics;
using FastKv.Bolt;

namespace FastKv.Mvcc.Storage;

internal sealed class Defragmenter(Backend backend, DefragOptions options)
{
    /// <summary>The new file's name while it is being built, next to the database.</summary>
    public static string TemporaryPath(string dbPath) => dbPath + ".defrag";

    public async Task<DefragResult> RunAsync()
    {
        long started = Stopwatch.GetTimestamp();
        string dbPath = backend.Db.Path;
        string tempPath = TemporaryPath(dbPath);
        RemoveLeftovers(tempPath);
        long sizeBefore = backend.Size;
        WrittenKeys? written = null;
        BoltDb? target = null;
        bool switched = false;
        int rounds = 0;
        long caughtUp = 0;
        TimeSpan pause = default;
        try
        {
            await backend.RunOnWriterAsync(() =>
            {
                backend.Commit();
                written = backend.StartRecordingWrites();
            }).ConfigureAwait(false);
            options.StageReached?.Invoke(DefragStage.Recording);

            // The copy's snapshot begins after recording did, so every later change is recorded.
            // etcd's defragmentation fills every page of the copy to 90%; so does ours, so a member
            // reports the same size after defrag as etcd does (what the quota is checked against).
            backend.Db.CompactTo(tempPath, fillPercent: Backend.SequentialFillPercent);
            options.StageReached?.Invoke(DefragStage.Copied);
            target = BoltDb.Open(tempPath, Backend.BoltOptionsFor(backend.Options));

            while (rounds < options.MaxCatchUpRounds && written!.CommittedCount > options.FinalDeltaLimit)
            {
                caughtUp += CatchUp(written.TakeCommitted(), target);
                rounds++;
                options.StageReached?.Invoke(DefragStage.CaughtUp);
            }

            await backend.RunOnWriterAsync(() =>
            {
                long pauseStarted = Stopwatch.GetTimestamp();
                backend.Commit();
                caughtUp += CatchUp(written!.TakeCommitted(), target);
                options.StageReached?.Invoke(DefragStage.Switching);
                try
                {
                    target.MoveFile(dbPath);
                }
                finally
                {
                    // Once renamed, the new file is the database whatever failed after the rename
                    // (the directory sync): writes must go there, not to the unlinked old file.
                    if (!File.Exists(tempPath) && File.Exists(dbPath))
                    {
                        backend.SwapDatabase(target);
                        switched = true;
                    }
                }
                pause = Stopwatch.GetElapsedTime(pauseStarted);
                options.StageReached?.Invoke(DefragStage.Switched);
            }).ConfigureAwait(false);
        }
        catch
        {
            if (!switched)
            {
                backend.StopRecordingWrites(written);
                target?.Dispose();
                RemoveLeftovers(tempPath);
            }
            throw;
        }
        return new DefragResult(sizeBefore, backend.Size, Stopwatch.GetElapsedTime(started), pause, rounds, caughtUp);
    }

    // Writes each recorded key's value as of now into the new file, or deletes it there when it
    // is gone; keys in order, so the writes walk the tree once.
    private long CatchUp(Dictionary<byte[], HashSet<byte[]>> changed, BoltDb target)
    {
        if (changed.Count == 0) return 0;
        long count = 0;
        using var source = backend.BeginRead();
        using var tx = target.BeginWrite();
        foreach (var (bucketName, keySet) in changed)
        {
            var from = source.GetBucket(bucketName);
            var to = tx.GetBucket(bucketName);
            if (from is null)
            {
                if (to is not null) tx.DeleteBucket(bucketName);
                continue;
            }
            to ??= tx.CreateBucket(bucketName);
            var keys = keySet.ToArray();
            Array.Sort(keys, static (a, b) => a.AsSpan().SequenceCompareTo(b));
            foreach (var key in keys)
            {
                if (from.TryGet(key, out var value)) to.Put(key, value);
                else to.Delete(key);
            }
            count += keys.Length;
        }
        tx.Commit();
        return count;
    }

    // A crash mid-defragmentation leaves the half-built file behind; it is never the database.
    public static void RemoveLeftovers(string tempPath)
    {
        File.Delete(tempPath);
        File.Delete(tempPath + ".compacting");
    }
}
