// Which pages of the file something points at, and who pointed first. A page may be claimed once;
// a second claim is the "multiple references" damage, and refusing it is also what stops cycles.
namespace FastKv.Bolt.Check;

internal sealed class PageReferences
{
    private readonly Referrer[] _by;

    public PageReferences(ulong pageCount)
    {
        _by = new Referrer[pageCount];
        if (pageCount > 0) _by[0] = new Referrer(ReferrerKind.MetaPage, 0, -1);
        if (pageCount > 1) _by[1] = new Referrer(ReferrerKind.MetaPage, 1, -1);
    }

    public ulong PageCount => (ulong)_by.Length;

    public Referrer this[ulong pgid] => pgid < PageCount ? _by[pgid] : default;

    /// <summary>
    /// Claims pages [<paramref name="pgid"/>, +<paramref name="span"/>) for <paramref name="by"/> (overflow pages for the
    /// first page). Claims nothing and returns the first already-claimed page when any of them is taken.
    /// </summary>
    public bool TryClaim(ulong pgid, ulong span, Referrer by, out ulong takenPage, out Referrer takenBy)
    {
        for (ulong p = pgid; p < pgid + span; p++)
        {
            if (_by[p].IsSet)
            {
                takenPage = p;
                takenBy = _by[p];
                return false;
            }
        }
        _by[pgid] = by;
        for (ulong p = pgid + 1; p < pgid + span; p++)
            _by[p] = Referrer.Overflow(pgid);
        takenPage = 0;
        takenBy = default;
        return true;
    }
}
