// Collects problems, keeping at most a fixed number per rule so a wrecked multi-gigabyte file yields
// a readable report (and bounded memory) while the counts stay exact.
namespace FastKv.Bolt.Check;

internal sealed class ProblemLog
{
    public const int KeptPerRule = 200;

    private readonly List<CheckProblem> _kept = new();
    private readonly Dictionary<string, long> _countByRule = new();

    public IReadOnlyList<CheckProblem> Kept => _kept;
    public IReadOnlyDictionary<string, long> CountByRule => _countByRule;
    public long Total { get; private set; }

    public void Add(CheckProblem problem)
    {
        Total++;
        _countByRule.TryGetValue(problem.Rule, out long n);
        _countByRule[problem.Rule] = n + 1;
        if (n < KeptPerRule) _kept.Add(problem);
    }

    public void Add(ulong? page, string rule, string message) => Add(new CheckProblem(page, rule, message));
}
