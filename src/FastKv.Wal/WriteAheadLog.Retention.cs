// Retention: releasing segments a snapshot made unnecessary, and deleting the oldest released ones
// beyond --max-wals. A segment is only ever deleted when its lock can be taken, so a segment some
// writer still holds is never removed.
namespace FastKv.Wal;

public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Releases the locks of segments wholly before <paramref name="index"/>: every segment before the one
    /// that holds the index. The tail segment is never released.
    /// </summary>
    public void ReleaseLockTo(ulong index)
    {
        lock (_segmentsLock)
        {
            int keepFrom = _segments.Count - 1;
            for (int i = 0; i < _segments.Count; i++)
            {
                if (_segments[i].Name.FirstIndex >= index)
                {
                    keepFrom = i - 1;
                    break;
                }
            }
            if (keepFrom <= 0)
                return;
            for (int i = 0; i < keepFrom; i++)
                _segments[i].File.Dispose();
            _segments.RemoveRange(0, keepFrom);
        }
    }

    /// <summary>Names of the segments this writer still holds locked.</summary>
    public IReadOnlyList<SegmentName> LockedSegments
    {
        get
        {
            lock (_segmentsLock)
                return _segments.Select(s => s.Name).ToList();
        }
    }

    /// <summary>Deletes the oldest released segments while more than <paramref name="maxWals"/> remain; returns the deleted paths.</summary>
    public IReadOnlyList<string> Purge(int maxWals) => SegmentPurger.Purge(_directory, maxWals);
}
