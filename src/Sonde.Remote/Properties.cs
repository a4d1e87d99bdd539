using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Sonde.Remote.Tests")]
