// A scenario step that did not hold, named by file and line like a compiler error.
namespace Hairpin.Bridge.Core.Tests.Scenarios;

public sealed class ScenarioFailedException(string file, int line, string message)
    : Exception($"{Path.GetFileName(file)}:{line}: {message}");
