// `trace dev NAME FRAME-SPEC [--json]` against an in-process engine (tests, tools; the appliance goes
// through its management socket): resolves the port, builds the frame, traces it and prints the
// result. Call it on the forwarding thread, between batches (BridgeEngine.Trace's contract).
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Host.Tracing;

internal static class LocalTraceCommand
{
    public const int Success = 0;
    public const int UsageError = 2;
    public const string Usage = "usage: hairpin trace dev NAME " + FrameSpec.Syntax + " [--json]";

    public static int Run(BridgeEngine engine, string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        bool json = args.Contains("--json");
        string[] words = [.. args.Where(arg => arg != "--json")];
        if (words.Length < 2 || words[0] != "dev")
        {
            stderr.WriteLine(Usage);
            return UsageError;
        }
        IReadOnlyList<string> names = [.. engine.Config.Ports.Select(port => port.Name)];
        int port = engine.Config.IndexOf(words[1]);
        if (port < 0)
        {
            stderr.WriteLine($"hairpin trace: no port named '{words[1]}' (ports: {string.Join(", ", names)})");
            return UsageError;
        }
        byte[] frame;
        try
        {
            frame = FrameSpec.Parse(words[2..]);
        }
        catch (FrameSpecException error)
        {
            stderr.WriteLine($"hairpin trace: {error.Message}");
            return UsageError;
        }
        FrameTrace trace = engine.Trace(port, frame);
        if (json)
        {
            stdout.WriteLine(TraceRenderer.RenderJson(trace, names));
        }
        else
        {
            foreach (string line in TraceRenderer.Render(trace, names))
            {
                stdout.WriteLine(line);
            }
        }
        return Success;
    }
}
