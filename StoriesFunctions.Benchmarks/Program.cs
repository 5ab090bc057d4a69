using BenchmarkDotNet.Running;
using StoriesFunctions.Benchmarks.Load;
using StoriesFunctions.Benchmarks.Micro;

// "micro": BenchmarkDotNet (any further arguments go to it, e.g. --job short); "load": the load driver.
return args.FirstOrDefault() switch
{
    "micro" => MicroRun.Run(args[1..]),
    "load" => await LoadDriver.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project StoriesFunctions.Benchmarks -- micro [--job short] | load [--quick]");
    return 2;
}
