// The seeds' auth runbook with the real etcdctl prints the same against FastKv as against
// etcd 3.4: root user and role, enabling auth, anonymous and wrong-password requests refused,
// a read-only role, and disabling auth again.
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

[Collection("parity")]
public sealed class AuthParityTests(ParityServers servers) : IClassFixture<ParityServers>
{
    [Fact]
    public async Task Auth_runbook_behaves_like_etcd()
    {
        await servers.SameAsync(["user", "add", "root:rootpw"]);
        await servers.SameAsync(["auth", "enable"]);
        await servers.SameAsync(["role", "add", "root"]);
        await servers.SameAsync(["user", "grant-role", "root", "root"]);
        await servers.SameAsync(["auth", "enable"]);
        await servers.SameAsync(["put", "/app/k", "v"]);
        await servers.SameAsync(["--user", "root:wrong", "put", "/app/k", "v"]);
        await servers.SameAsync(["--user", "root:rootpw", "put", "/app/k", "v"]);
        await servers.SameAsync(["--user", "root:rootpw", "role", "add", "reader"]);
        await servers.SameAsync(["--user", "root:rootpw", "role", "grant-permission", "reader", "read", "/app/", "--prefix"]);
        await servers.SameAsync(["--user", "root:rootpw", "role", "get", "reader"]);
        await servers.SameAsync(["--user", "root:rootpw", "user", "add", "alice:alicepw"]);
        await servers.SameAsync(["--user", "root:rootpw", "user", "grant-role", "alice", "reader"]);
        await servers.SameAsync(["--user", "root:rootpw", "user", "list"]);
        await servers.SameAsync(["--user", "root:rootpw", "user", "get", "alice"]);
        await servers.SameAsync(["--user", "alice:alicepw", "get", "/app/k"]);
        await servers.SameAsync(["--user", "alice:alicepw", "put", "/app/k", "v2"]);
        await servers.SameAsync(["--user", "alice:alicepw", "get", "/other"]);
        await servers.SameAsync(["--user", "alice:alicepw", "role", "list"]);
        await servers.SameAsync(["--user", "root:rootpw", "auth", "disable"]);
        await servers.SameAsync(["get", "/app/k"]);
    }
}
