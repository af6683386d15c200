// One write transaction on the apply thread: its main revision, the next sub revision and the
// events it produced. A scope that wrote nothing leaves the current revision unchanged.
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Kv;

internal sealed class WriteScope
{
    public long Main;
    public int Sub;
    public readonly List<Event> Events = [];
    public readonly List<KeyIndex> Keys = [];

    public void Begin(long current)
    {
        Main = current + 1;
        Sub = 0;
        Events.Clear();
    }

    public bool Wrote => Sub > 0;

    /// <summary>The newest revision a read inside this transaction sees: its own once it has written.</summary>
    public long ReadRevision => Wrote ? Main : Main - 1;

    public Revision Next() => new(Main, Sub++);
}
