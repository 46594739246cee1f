// The words of one command, read left to right in iproute2's manner: keywords followed by values
// (`dev NAME`, `vlan VID`, `hairpin on`). Every complaint is a UsageException naming the word.
using System.Globalization;

namespace Hairpin.Host.Commands;

internal sealed class Words(IReadOnlyList<string> words)
{
    private int _next;

    public bool AtEnd => _next >= words.Count;

    public string? Peek => AtEnd ? null : words[_next];

    /// <summary>The next word; <paramref name="what"/> names it in the error when there is none.</summary>
    public string Take(string what) =>
        AtEnd ? throw new UsageException($"{what} is missing") : words[_next++];

    /// <summary>Consumes <paramref name="keyword"/> if it is next.</summary>
    public bool TryTake(string keyword)
    {
        if (Peek == keyword)
        {
            _next++;
            return true;
        }
        return false;
    }

    /// <summary>The value after a keyword just taken: `dev` -> "vm1".</summary>
    public string ValueOf(string keyword) =>
        AtEnd ? throw new UsageException($"'{keyword}' needs a value") : words[_next++];

    /// <summary>All the words not read yet.</summary>
    public List<string> Rest()
    {
        List<string> rest = [.. words.Skip(_next)];
        _next = words.Count;
        return rest;
    }

    public void ExpectEnd()
    {
        if (!AtEnd)
        {
            throw new UsageException($"unexpected argument '{words[_next]}'");
        }
    }

    public static bool OnOff(string keyword, string value) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw new UsageException($"{keyword}: '{value}' is not on or off"),
    };

    /// <summary>A whole number in <paramref name="min"/>..<paramref name="max"/>; the error names the keyword.</summary>
    public static int Number(string keyword, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= min && number <= max
            ? number
            : throw new UsageException($"{keyword}: '{value}' is not a number {min}-{max}");

    public static int Vid(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int vid) && vid is >= 1 and <= 4094
            ? vid
            : throw new UsageException($"vlan: '{value}' is not a VLAN ID (1-4094)");

    public static string Mac(string value) =>
        Management.MacText.TryNormalise(value, out string mac)
            ? mac
            : throw new UsageException($"'{value}' is not a MAC address (aa:bb:cc:dd:ee:ff)");
}
