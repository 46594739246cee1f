// The `hairpin` command. All logic lives in Cli so tests can run it in-process.
using Hairpin.Host;

return Cli.Run(args, Console.Out, Console.Error);
