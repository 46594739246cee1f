// A parser that refuses collections nested deeper than a limit, as a YamlException at the offending
// '[' or '{' or block. YamlDotNet's representation model loads nodes recursively, and a file of ten
// thousand '[' would otherwise end the process with a stack overflow, which no catch can turn into
// an error message.
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Hairpin.Host.Configuration.Yaml;

internal sealed class NestingLimit(IParser inner, int maxDepth) : IParser
{
    private int _depth;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }
        switch (inner.Current)
        {
            case MappingStart or SequenceStart when ++_depth > maxDepth:
                throw new YamlException(inner.Current.Start, inner.Current.End, $"nested more than {maxDepth} levels deep");
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
        }
        return true;
    }
}
