namespace Sonde.Formats.Pprof;

/// <summary>
/// Field numbers of the messages in pprof's profile.proto (package perftools.profiles) that Sonde writes or reads.
/// </summary>
internal static class PprofFields
{
    public static class Profile
    {
        public const int SampleType = 1;
        public const int Sample = 2;
        public const int Mapping = 3;
        public const int Location = 4;
        public const int Function = 5;
        public const int StringTable = 6;
        public const int TimeNanos = 9;
        public const int DurationNanos = 10;
        public const int PeriodType = 11;
        public const int Period = 12;
        public const int Comment = 13;
        public const int DefaultSampleType = 14;
    }

    public static class ValueType
    {
        public const int Type = 1;
        public const int Unit = 2;
    }

    public static class Sample
    {
        public const int LocationId = 1;
        public const int Value = 2;
        public const int Label = 3;
    }

    public static class Label
    {
        public const int Key = 1;
        public const int Str = 2;
        public const int Num = 3;
    }

    public static class Mapping
    {
        public const int Id = 1;
        public const int Filename = 5;
    }

    public static class Location
    {
        public const int Id = 1;
        public const int MappingId = 2;
        public const int Address = 3;
        public const int Line = 4;
    }

    public static class Line
    {
        public const int FunctionId = 1;
        public const int LineNumber = 2;
    }

    public static class Function
    {
        public const int Id = 1;
        public const int Name = 2;
        public const int Filename = 4;
        public const int StartLine = 5;
    }
}
