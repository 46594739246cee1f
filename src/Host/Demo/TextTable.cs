// Aligned plain-text columns, as iproute2 and `bridge fdb show` print them: two spaces between
// columns, numbers right-aligned, no trailing blanks.
using System.Text;

namespace Hairpin.Host.Demo;

internal static class TextTable
{
    /// <summary>Formats <paramref name="rows"/> (the first is usually the header) into lines, each prefixed by <paramref name="indent"/>.</summary>
    public static List<string> Format(IReadOnlyList<string[]> rows, string indent, params int[] rightAlignedColumns)
    {
        int columns = rows.Max(row => row.Length);
        var widths = new int[columns];
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }
        var lines = new List<string>(rows.Count);
        var line = new StringBuilder();
        foreach (string[] row in rows)
        {
            line.Clear().Append(indent);
            for (int i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    line.Append("  ");
                }
                line.Append(rightAlignedColumns.Contains(i) ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]));
            }
            lines.Add(line.ToString().TrimEnd());
        }
        return lines;
    }
}
