// Entry point of the BenchmarkDotNet suites: every [Benchmark] class in this assembly is selectable
// with the usual --filter, e.g. `dotnet run -c Release --project bench/FastKv.Bench -- --filter '*Bolt*'`.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
