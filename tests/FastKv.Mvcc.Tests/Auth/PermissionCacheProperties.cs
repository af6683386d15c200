// Properties of the permission cache: after random grants and revokes on a user's roles,
// every read/write check agrees with a model that sweeps the raw permission list (no
// merging, no cache), over a small key alphabet so ranges overlap and touch often.
using FsCheck;
using FsCheck.Fluent;
using FastKv.Api;
using FastKv.Api.Authpb;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Auth;
using Google.Protobuf;
using PermType = FastKv.Api.Authpb.Permission.Types.Type;

namespace FastKv.Mvcc.Tests.Auth;

public sealed class PermissionCacheProperties
{
    private static readonly string[] Keys = ["", "a", "a\0", "ab", "b", "ba", "c", "cc"];
    private static readonly string[] Ends = ["", "\0", "a", "ab", "b", "ba", "c", "cc", "d"];

    private sealed record Change(bool Grant, int Role, PermType Type, string Key, string End);
    private sealed record Query(bool Write, string Key, string End);

    private static readonly Gen<Change> ChangeGen =
        from grant in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        from role in Gen.Choose(0, 1)
        from type in Gen.Elements(PermType.Read, PermType.Write, PermType.Readwrite)
        from key in Gen.Elements(Keys)
        from end in Gen.Elements(Ends)
        select new Change(grant, role, type, key, end);

    private static readonly Gen<Query> QueryGen =
        from write in Gen.Elements(true, false)
        from key in Gen.Elements(Keys)
        from end in Gen.Elements(Ends)
        select new Query(write, key, end);

    // Model: the interval a key/range_end names, and a sweep that walks from the query's
    // start through any interval containing the current point.
    private static (byte[] Begin, byte[]? End) Interval(string key, string end)
    {
        var k = System.Text.Encoding.UTF8.GetBytes(key);
        if (end.Length == 0) return (k, [.. k, 0]);
        if (end == "\0") return (k, null);
        return (k, System.Text.Encoding.UTF8.GetBytes(end));
    }

    private static int Cmp(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    private static bool ModelCovers(List<(byte[] Begin, byte[]? End)> perms, string key, string end)
    {
        var (begin, stop) = Interval(key, end);
        if (stop is not null && Cmp(begin, stop) >= 0) return true;
        var cur = begin;
        while (true)
        {
            byte[]? best = cur;
            var found = false;
            foreach (var (b, e) in perms)
            {
                if (Cmp(b, cur) > 0) continue;
                if (e is null) return true;
                if (Cmp(e, cur) > 0 && Cmp(e, best!) > 0) { best = e; found = true; }
            }
            if (!found) return false;
            cur = best!;
            if (stop is not null && Cmp(cur, stop) >= 0) return true;
        }
    }

    [Fact]
    public void Checks_agree_with_a_sweep_over_the_granted_ranges()
    {
        var gen = from changes in Gen.ListOf(ChangeGen)
                  from queries in Gen.ListOf(QueryGen)
                  select (changes.ToArray(), queries.ToArray());
        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (changes, queries) = input;
            using var f = new AuthFixture();
            f.AddRole("r0");
            f.AddRole("r1");
            f.AddUser("u", "pw");
            f.Grant("u", "r0");
            f.Grant("u", "r1");
            f.EnableWithRoot();
            var granted = new[] { new List<(PermType Type, string Key, string End)>(), new List<(PermType Type, string Key, string End)>() };

            foreach (var c in changes)
            {
                var role = "r" + c.Role;
                var list = granted[c.Role];
                var existing = list.FindIndex(p => p.Key == c.Key && p.End == c.End);
                if (c.Grant)
                {
                    f.Permit(role, c.Type, c.Key, c.End);
                    if (existing >= 0) list[existing] = (c.Type, c.Key, c.End);
                    else list.Add((c.Type, c.Key, c.End));
                }
                else if (existing >= 0)
                {
                    f.Store.RoleRevokePermission(new AuthRoleRevokePermissionRequest { Role = role, Key = ByteString.CopyFromUtf8(c.Key), RangeEnd = ByteString.CopyFromUtf8(c.End) });
                    list.RemoveAt(existing);
                }
                else
                {
                    Assert.Throws<EtcdException>(() => f.Store.RoleRevokePermission(new AuthRoleRevokePermissionRequest { Role = role, Key = ByteString.CopyFromUtf8(c.Key), RangeEnd = ByteString.CopyFromUtf8(c.End) }));
                }

                // Check a few queries after every change so stale cache entries would show.
                var info = new AuthInfo("u", f.Store.Revision);
                foreach (var q in queries.Take(6)) Verify(f.Store, info, granted, q);
            }
            var last = new AuthInfo("u", f.Store.Revision);
            foreach (var q in queries) Verify(f.Store, last, granted, q);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    private static void Verify(AuthStore store, AuthInfo info, List<(PermType Type, string Key, string End)>[] granted, Query q)
    {
        var usable = granted.SelectMany(l => l)
            .Where(p => p.Type == PermType.Readwrite || p.Type == (q.Write ? PermType.Write : PermType.Read))
            .Select(p => Interval(p.Key, p.End))
            .ToList();
        var expected = ModelCovers(usable, q.Key, q.End);
        var key = System.Text.Encoding.UTF8.GetBytes(q.Key);
        var end = System.Text.Encoding.UTF8.GetBytes(q.End);
        bool actual;
        try
        {
            if (q.Write) store.CheckDeleteRange(info, key, end);
            else store.CheckRange(info, key, end);
            actual = true;
        }
        catch (EtcdException e) when (e.Code == StatusCode.PermissionDenied)
        {
            actual = false;
        }
        if (expected != actual)
            throw new Exception($"{(q.Write ? "write" : "read")} [{Show(q.Key)}, {Show(q.End)}): model {expected}, store {actual}");
    }

    private static string Show(string s) => s.Replace("\0", "\\0");
}
