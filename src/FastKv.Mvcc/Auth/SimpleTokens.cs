// etcd's "simple" auth tokens: 16 random letters chosen by the proposing member, then "."
// and the Raft index of the Authenticate entry, so every member assigns the same token. Kept
// in memory only; a token lives for its TTL after its last use and dies with a password
// change or deletion of its user, or when auth is disabled.
using System.Security.Cryptography;

namespace FastKv.Mvcc.Auth;

internal sealed class SimpleTokens(TimeProvider time, TimeSpan ttl)
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const int PrefixLength = 16;

    private readonly Dictionary<string, (string User, long ExpiresAt)> _tokens = new(StringComparer.Ordinal);
    private long _nextSweep;

    public int Count => _tokens.Count;

    public static string NewPrefix() => RandomNumberGenerator.GetString(Letters, PrefixLength);

    public string Assign(string prefix, ulong index, string user)
    {
        var now = time.GetTimestamp();
        SweepIfDue(now);
        var token = $"{prefix}.{index}";
        _tokens[token] = (user, now + TtlTicks);
        return token;
    }

    /// <summary>The user of a live token; using it restarts its TTL.</summary>
    public bool TryUse(string token, out string user)
    {
        var now = time.GetTimestamp();
        if (_tokens.TryGetValue(token, out var entry))
        {
            if (entry.ExpiresAt > now)
            {
                _tokens[token] = (entry.User, now + TtlTicks);
                user = entry.User;
                return true;
            }
            _tokens.Remove(token);
        }
        user = "";
        return false;
    }

    public void InvalidateUser(string user)
    {
        foreach (var (token, entry) in _tokens)
        {
            if (entry.User == user) _tokens.Remove(token);
        }
    }

    public void Clear() => _tokens.Clear();

    private long TtlTicks => (long)(ttl.TotalSeconds * time.TimestampFrequency);

    private void SweepIfDue(long now)
    {
        if (now < _nextSweep) return;
        _nextSweep = now + TtlTicks;
        foreach (var (token, entry) in _tokens)
        {
            if (entry.ExpiresAt <= now) _tokens.Remove(token);
        }
    }
}
