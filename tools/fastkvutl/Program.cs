// fastkvutl: the offline tool. Each area (db, wal, disk, ...) owns a file that builds its command tree;
// this file only assembles them and maps outcomes to exit codes (0 ok, 1 problems found, 2 usage).
using System.CommandLine;
using FastKv.Util;

var root = new RootCommand("fastkvutl: offline tools for FastKv and etcd data (page files, WALs, disks)");
foreach (var command in CommandAreas.All())
    root.Subcommands.Add(command);
return await ToolRunner.RunAsync(root, args);
