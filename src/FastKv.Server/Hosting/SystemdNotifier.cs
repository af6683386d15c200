// Tells systemd (a Type=notify unit) that the member serves: one "READY=1" datagram to the unix
// socket named by NOTIFY_SOCKET, as etcd sends it. A name starting with '@' is in the abstract
// namespace. Without the variable nothing happens; a failure is logged as etcd logs it and the
// member keeps serving (systemd's own start timeout decides what happens to the unit).
using System.Net.Sockets;
using System.Text;
using FastKv.Server.Logging;

namespace FastKv.Server.Hosting;

public static class SystemdNotifier
{
    public const string SocketVariable = "NOTIFY_SOCKET";
    public const string Ready = "READY=1";

    /// <summary>Sends <paramref name="state"/> when <paramref name="socketName"/> is set; true when it was sent.</summary>
    public static bool Notify(string? socketName, string state, JsonLog log)
    {
        if (string.IsNullOrEmpty(socketName)) return false;
        // The kernel takes an abstract name as a path whose first byte is NUL.
        var path = socketName[0] == '@' ? "\0" + socketName[1..] : socketName;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.ASCII.GetBytes(state));
            return true;
        }
        catch (Exception e) when (e is SocketException or ArgumentException or IOException)
        {
            log.Error("failed to notify systemd for readiness", ("error", $"dial unixgram {socketName}: {e.Message}"));
            return false;
        }
    }
}
