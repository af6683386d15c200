// NOTIFY_SOCKET as systemd's Type=notify sets it: a serving member sends READY=1 to the named unix
// datagram socket (a path, or an abstract name after '@'); without the variable nothing is sent;
// a socket nobody listens on is logged as etcd logs it and the member keeps serving.
using System.Net.Sockets;
using System.Text;
using FastKv.Server.Hosting;
using FastKv.Server.Logging;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task A_path_socket_receives_ready()
    {
        using var dir = new TempDir();
        var path = dir.Sub("notify.sock");
        using var listener = Bind(path);
        Assert.True(SystemdNotifier.Notify(path, SystemdNotifier.Ready, JsonLog.Discard));
        Assert.Equal("READY=1", await ReceiveAsync(listener));
    }

    [Fact]
    public async Task An_abstract_socket_receives_ready()
    {
        var name = "@fastkv-notify-test-" + Guid.NewGuid().ToString("N");
        using var listener = Bind("\0" + name[1..]);
        Assert.True(SystemdNotifier.Notify(name, SystemdNotifier.Ready, JsonLog.Discard));
        Assert.Equal("READY=1", await ReceiveAsync(listener));
    }

    [Fact]
    public void Without_the_variable_nothing_is_sent_or_logged()
    {
        using var output = new MemoryStream();
        Assert.False(SystemdNotifier.Notify(null, SystemdNotifier.Ready, new JsonLog(output, LogLevel.Debug)));
        Assert.False(SystemdNotifier.Notify("", SystemdNotifier.Ready, new JsonLog(output, LogLevel.Debug)));
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void A_socket_nobody_listens_on_is_logged_not_thrown()
    {
        using var dir = new TempDir();
        using var output = new MemoryStream();
        Assert.False(SystemdNotifier.Notify(dir.Sub("nobody.sock"), SystemdNotifier.Ready, new JsonLog(output, LogLevel.Info)));
        var line = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("\"level\":\"error\"", line);
        Assert.Contains("\"msg\":\"failed to notify systemd for readiness\"", line);
        Assert.Contains($"dial unixgram {dir.Sub("nobody.sock")}", line);
    }

    [Fact]
    public async Task A_member_under_notify_sends_ready_once_it_serves()
    {
        Assert.True(Etcdctl.Available, "etcd-client is needed (.ci/run installs it)");
        using var dir = new TempDir();
        var path = dir.Sub("systemd.sock");
        using var listener = Bind(path);
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"),
            environment: new Dictionary<string, string> { [SystemdNotifier.SocketVariable] = path });
        Assert.Equal("READY=1", await ReceiveAsync(listener));
        // READY means serving: a request succeeds now.
        Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "put", "/ready", "yes")).ExitCode);
    }

    [Fact]
    public async Task A_member_whose_notify_socket_is_missing_still_serves()
    {
        Assert.True(Etcdctl.Available, "etcd-client is needed (.ci/run installs it)");
        using var dir = new TempDir();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"),
            environment: new Dictionary<string, string> { [SystemdNotifier.SocketVariable] = dir.Sub("absent.sock") });
        Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "put", "/ready", "yes")).ExitCode);
        Assert.Contains("failed to notify systemd for readiness", server.Log);
    }

    private static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, n);
    }
}
