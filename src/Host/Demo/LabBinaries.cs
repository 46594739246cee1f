// Where the root demo finds the programs it runs as children. The appliance is this very assembly
// (hairpin.dll beside the running demo). The dumb vswitch is another program, which no product references
// (the two share only the Hairpin.Host.Platform library): it is found by path, and built once when missing.
namespace Hairpin.Host.Demo;

internal static class LabBinaries
{
    public const string DumbVswitchVariable = "HAIRPIN_DUMB_VSWITCH";

    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(5);

    /// <summary>hairpin.dll next to the running program (the demo itself, or a test that references Host).</summary>
    public static string Appliance => Path.Combine(AppContext.BaseDirectory, "hairpin.dll");

    /// <summary>
    /// $HAIRPIN_DUMB_VSWITCH, else dumb-vswitch.dll beside this program (both published into one
    /// directory, as the README installs them), else src/DumbVswitch/bin/{Release,Debug}/net10.0/
    /// dumb-vswitch.dll of the checkout this program runs from (the newer of the two), built in
    /// Release when neither exists.
    /// </summary>
    public static async Task<string> DumbVswitchAsync(TextWriter output, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Environment.GetEnvironmentVariable(DumbVswitchVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new FileNotFoundException($"${DumbVswitchVariable} names {configured}, which does not exist");
        }
        string beside = Path.Combine(AppContext.BaseDirectory, "dumb-vswitch.dll");
        if (File.Exists(beside))
        {
            return beside;
        }
        string root = RepositoryRoot() ?? throw new FileNotFoundException(
            $"dumb-vswitch.dll not found: set ${DumbVswitchVariable}, or run the demo from a Hairpin checkout (no Hairpin.sln above {AppContext.BaseDirectory})");
        string project = Path.Combine(root, "src", "DumbVswitch");
        string? built = Newest(project);
        if (built is not null)
        {
            return built;
        }
        output.WriteLine($"building the dumb vswitch once: dotnet build {project} -c Release");
        output.Flush();
        LabProcess.Result build = await LabProcess.RunAsync("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "quiet"], BuildLimit, cancel).ConfigureAwait(false);
        return build.Succeeded && Newest(project) is string fresh
            ? fresh
            : throw new InvalidOperationException($"building {project} failed:\n{build.Output}{build.Error}");
    }

    private static readonly string[] Configurations = ["Release", "Debug"];

    private static string? Newest(string project) =>
        Configurations
            .Select(configuration => Path.Combine(project, "bin", configuration, "net10.0", "dumb-vswitch.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();

    private static string? RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Hairpin.sln")))
            {
                return directory.FullName;
            }
        }
        return null;
    }
}
