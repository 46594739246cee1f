// `hairpin top [dev NAME] [-d SECONDS] [-n ITERATIONS] [-r ROWS]`: a live view for the engineer on call,
// refreshed every second (or -d): the busiest VMs and the drop reasons rising (TopView). On a terminal
// it redraws the screen and quits on q or Ctrl-C; when stdout is not a terminal it prints each refresh
// as plain lines (a log, a pipe), as `top -b` does. -n ends it after that many refreshes.
using System.Diagnostics;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class TopCommand
{
    public const string Usage =
        """
          top [dev NAME] [-d SECONDS] [-n ITERATIONS] [-r ROWS]
                        the busiest VMs and the drop reasons rising, refreshed every second; q quits
        """;

    private const string ClearScreen = "\u001b[H\u001b[2J";

    public static void Run(Words words, CommandSession session)
    {
        string? port = null;
        double seconds = 1;
        int iterations = 0;
        int rows = 20;
        while (!words.AtEnd)
        {
            switch (words.Take("an option"))
            {
                case "dev":
                    port = words.AtEnd ? throw new UsageException("dev needs a port name") : words.Take("port");
                    break;
                case "-d":
                    seconds = double.TryParse(words.AtEnd ? null : words.Take("seconds"), System.Globalization.CultureInfo.InvariantCulture, out double d) && d is >= 0.1 and <= 3600
                        ? d : throw new UsageException("-d needs a refresh interval of 0.1 to 3600 seconds");
                    break;
                case "-n":
                    iterations = int.TryParse(words.AtEnd ? null : words.Take("iterations"), out int n) && n > 0 ? n : throw new UsageException("-n needs a number of refreshes (1 or more)");
                    break;
                case "-r":
                    rows = int.TryParse(words.AtEnd ? null : words.Take("rows"), out int r) && r > 0 ? r : throw new UsageException("-r needs a number of rows (1 or more)");
                    break;
                case string other:
                    throw new UsageException($"top: unexpected '{other}'");
            }
        }
        bool terminal = !Console.IsOutputRedirected && ReferenceEquals(session.Out, Console.Out);
        using var quit = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;
            quit.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            BridgeStats? before = null;
            var clock = Stopwatch.StartNew();
            TimeSpan lastAt = TimeSpan.Zero;
            for (int refresh = 1; !quit.IsCancellationRequested; refresh++)
            {
                BridgeStats now = session.Call<BridgeStats>(ManagementCommands.Stats, new PortSelector(port));
                TimeSpan at = clock.Elapsed;
                List<string> screen = TopView.Render(before, now, (at - lastAt).TotalSeconds, rows, DateTimeOffset.Now);
                if (terminal)
                {
                    session.Out.Write(ClearScreen);
                }
                session.PrintLines(screen);
                if (!terminal)
                {
                    session.Out.WriteLine();
                }
                session.Out.Flush();
                (before, lastAt) = (now, at);
                if (iterations > 0 && refresh >= iterations)
                {
                    break;
                }
                WaitOrQuit(TimeSpan.FromSeconds(seconds), terminal, quit);
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>Sleeps until the next refresh, watching the keyboard for q on a terminal.</summary>
    private static void WaitOrQuit(TimeSpan wait, bool terminal, CancellationTokenSource quit)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < wait && !quit.IsCancellationRequested)
        {
            if (terminal && !Console.IsInputRedirected && Console.KeyAvailable && Console.ReadKey(intercept: true).Key is ConsoleKey.Q)
            {
                quit.Cancel();
                return;
            }
            quit.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50));
        }
    }
}
