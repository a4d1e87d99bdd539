namespace Sonde.Remote.CPython.Objects;

/// <summary>The value pointers of a split table (or of an instance without a dict): the first one's address and how many there can be.</summary>
internal readonly record struct DictValuesView(ulong Array, int Capacity)
{
    public static readonly DictValuesView None = new(0, 0);

    public bool IsSplit => Array != 0;
}
