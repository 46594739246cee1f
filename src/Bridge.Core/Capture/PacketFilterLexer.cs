// Splits a tcpdump-style filter expression into words, parentheses and the operators tcpdump spells two
// ways (`and`/`&&`, `or`/`||`, `not`/`!`), each with its position (from 1) for error messages.
namespace Hairpin.Bridge.Core.Capture;

internal enum FilterTokenKind : byte
{
    Word,
    LeftParenthesis,
    RightParenthesis,
    And,
    Or,
    Not,
    End,
}

internal readonly record struct FilterToken(FilterTokenKind Kind, string Text, int Position)
{
    public string Describe() => Kind == FilterTokenKind.End ? "the end of the filter" : $"'{Text}' at position {Position}";
}

internal static class PacketFilterLexer
{
    public static List<FilterToken> Split(string expression)
    {
        var tokens = new List<FilterToken>();
        int at = 0;
        while (at < expression.Length)
        {
            char c = expression[at];
            if (char.IsWhiteSpace(c))
            {
                at++;
                continue;
            }
            int position = at + 1;
            switch (c)
            {
                case '(':
                    tokens.Add(new FilterToken(FilterTokenKind.LeftParenthesis, "(", position));
                    at++;
                    continue;
                case ')':
                    tokens.Add(new FilterToken(FilterTokenKind.RightParenthesis, ")", position));
                    at++;
                    continue;
                case '!' when !Follows(expression, at, '='):
                    tokens.Add(new FilterToken(FilterTokenKind.Not, "!", position));
                    at++;
                    continue;
                case '&' when Follows(expression, at, '&'):
                    tokens.Add(new FilterToken(FilterTokenKind.And, "&&", position));
                    at += 2;
                    continue;
                case '|' when Follows(expression, at, '|'):
                    tokens.Add(new FilterToken(FilterTokenKind.Or, "||", position));
                    at += 2;
                    continue;
                default:
                    break;
            }
            // A word runs to the next space or parenthesis; tcpdump's arithmetic and byte-offset forms
            // (tcp[13] & 2, len > 100) come out as words the parser names as unsupported.
            int end = at + 1;
            while (end < expression.Length && !char.IsWhiteSpace(expression[end]) && expression[end] is not ('(' or ')'))
            {
                end++;
            }
            string word = expression[at..end];
            FilterTokenKind kind = word switch
            {
                "and" => FilterTokenKind.And,
                "or" => FilterTokenKind.Or,
                "not" => FilterTokenKind.Not,
                _ => FilterTokenKind.Word,
            };
            tokens.Add(new FilterToken(kind, word, position));
            at = end;
        }
        tokens.Add(new FilterToken(FilterTokenKind.End, "", expression.Length + 1));
        return tokens;
    }

    private static bool Follows(string expression, int at, char next) =>
        at + 1 < expression.Length && expression[at + 1] == next;
}
