namespace Switchyard.Bench; internal static class Placeholder {}
