// One thing wrong with a page file: where (page id, or null for file-level problems), which rule it
// breaks (a short stable id that scripts and operators can grep for), and a sentence for a person.
namespace FastKv.Bolt.Check;

public sealed record CheckProblem(ulong? PageId, string Rule, string Message)
{
    public override string ToString() =>
        PageId is { } id ? $"page {id}: {Rule}: {Message}" : $"file: {Rule}: {Message}";
}
