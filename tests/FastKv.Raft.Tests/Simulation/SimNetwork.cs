// The simulated network: messages wait a random delay (so they reorder), may be dropped or
// duplicated, and partitions block directions between nodes (symmetric or one-way).
namespace FastKv.Raft.Tests.Simulation;

public sealed class SimNetwork
{
    private readonly SimRandom _rand;
    private readonly List<(long At, Message Msg)> _inFlight = new();
    private readonly HashSet<(ulong From, ulong To)> _blocked = new();

    public double DropRate;
    public double DuplicateRate;
    public int MaxDelay;

    public SimNetwork(SimRandom rand) => _rand = rand;

    public int InFlight => _inFlight.Count;

    public bool IsBlocked(ulong from, ulong to) => _blocked.Contains((from, to));

    public void Block(ulong from, ulong to) => _blocked.Add((from, to));

    public void HealAll() => _blocked.Clear();

    public bool HasPartitions => _blocked.Count > 0;

    // Returns false when the message is lost (dropped or blocked), so the sender can be told.
    public bool Send(in Message m, long now)
    {
        if (IsBlocked(m.From, m.To) || _rand.Chance(DropRate)) return false;
        var copy = m;
        // The sender's batch memory is only valid until its Advance: a message in flight owns its entries.
        copy.Entries = m.Entries.ToArray();
        copy.Context = m.Context.ToArray();
        _inFlight.Add((now + _rand.Next(MaxDelay + 1), copy));
        if (_rand.Chance(DuplicateRate)) _inFlight.Add((now + _rand.Next(MaxDelay + 1), copy));
        return true;
    }

    // Takes the messages due at `now`, in a shuffled order.
    public List<Message> TakeDue(long now)
    {
        var due = new List<Message>();
        for (int i = 0; i < _inFlight.Count;)
        {
            if (_inFlight[i].At <= now)
            {
                due.Add(_inFlight[i].Msg);
                _inFlight[i] = _inFlight[^1];
                _inFlight.RemoveAt(_inFlight.Count - 1);
            }
            else
            {
                i++;
            }
        }
        for (int i = due.Count - 1; i > 0; i--)
        {
            int j = _rand.Next(i + 1);
            (due[i], due[j]) = (due[j], due[i]);
        }
        return due;
    }
}
