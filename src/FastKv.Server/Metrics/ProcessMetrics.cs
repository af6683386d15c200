// The process_* families dashboards use (the Go client's process collector names), plus etcd's
// os_fd_used/os_fd_limit. All are read at scrape time from the runtime and /proc; the
// file-descriptor families exist only where /proc/self is available.
using System.Diagnostics;
using System.Globalization;

namespace FastKv.Server.Metrics;

public static class ProcessMetrics
{
    public static IEnumerable<MetricFamily> Families()
    {
        using var self = Process.GetCurrentProcess();
        var startTime = new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;

        yield return new ObservedValue("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", MetricType.Counter,
            () => Environment.CpuUsage.TotalTime.TotalSeconds);
        yield return new ObservedValue("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType.Gauge,
            () => Environment.WorkingSet);
        yield return new ObservedValue("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType.Gauge, VirtualMemory);
        yield return new ObservedValue("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", MetricType.Gauge,
            () => startTime);

        if (!Directory.Exists("/proc/self/fd")) yield break;
        yield return new ObservedValue("process_open_fds", "Number of open file descriptors.", MetricType.Gauge, OpenFds);
        yield return new ObservedValue("os_fd_used", "The number of used file descriptors.", MetricType.Gauge, OpenFds);
        if (MaxFds() is null) yield break;
        yield return new ObservedValue("process_max_fds", "Maximum number of open file descriptors.", MetricType.Gauge, () => MaxFds() ?? double.NaN);
        yield return new ObservedValue("os_fd_limit", "The file descriptor limit.", MetricType.Gauge, () => MaxFds() ?? double.NaN);
    }

    private static double VirtualMemory()
    {
        using var self = Process.GetCurrentProcess();
        return self.VirtualMemorySize64;
    }

    private static double OpenFds()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    // "Max open files            1024                 1048576              files": the soft limit.
    private static double? MaxFds()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var soft)) return soft;
                if (fields.Length > 0 && fields[0] == "unlimited") return double.PositiveInfinity;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
